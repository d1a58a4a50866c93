import { addInfoContributor } from '../commands/info.js';
import { goInfoFacts } from './info.js';
import './line-source.js';

// `elfkit info` shows the Go version; `elfkit lines` can read the pclntab.
addInfoContributor((elf) => goInfoFacts(elf));

export { goImage } from './go/image.js';

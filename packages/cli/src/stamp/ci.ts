import { redactUrl } from './url.js';

/** Facts about the CI job that built the binary, normalized across providers. */
export interface CiFacts {
  /** `github-actions`, `gitlab-ci`, `jenkins`, `buildkite`, or `generic` (only `CI` is set). */
  provider: string;
  /** Repository or project as the provider names it (`org/repo`). */
  repository: string | null;
  /** Workflow, pipeline or Jenkins job name. */
  pipeline: string | null;
  /** Job (step) name. */
  job: string | null;
  /** Unique id of the run, build or pipeline. */
  runId: string | null;
  /** Sequential run or build number. */
  runNumber: string | null;
  /** Link to the run, without credentials. */
  url: string | null;
  /** Branch or ref the provider built. */
  ref: string | null;
  /** Commit the provider built. */
  commit: string | null;
}

type Env = Record<string, string | undefined>;

const v = (env: Env, name: string) => {
  const x = env[name];
  return x === undefined || x === '' ? null : x;
};
const on = (x: string | undefined) => x !== undefined && x !== '' && x !== 'false' && x !== '0';

/** CI facts from the environment (GitHub Actions, GitLab CI, Jenkins, Buildkite, generic `CI`), or null outside CI. */
export function ciFacts(env: Env): CiFacts | null {
  const url = (x: string | null) => (x === null ? null : redactUrl(x));
  if (env.GITHUB_ACTIONS === 'true') {
    const server = v(env, 'GITHUB_SERVER_URL');
    const repo = v(env, 'GITHUB_REPOSITORY');
    const run = v(env, 'GITHUB_RUN_ID');
    return {
      provider: 'github-actions',
      repository: repo,
      pipeline: v(env, 'GITHUB_WORKFLOW'),
      job: v(env, 'GITHUB_JOB'),
      runId: run,
      runNumber: v(env, 'GITHUB_RUN_NUMBER'),
      url: server && repo && run ? url(`${server}/${repo}/actions/runs/${run}`) : null,
      ref: v(env, 'GITHUB_REF'),
      commit: v(env, 'GITHUB_SHA'),
    };
  }
  if (env.GITLAB_CI === 'true') {
    return {
      provider: 'gitlab-ci',
      repository: v(env, 'CI_PROJECT_PATH'),
      pipeline: v(env, 'CI_PIPELINE_ID'),
      job: v(env, 'CI_JOB_NAME'),
      runId: v(env, 'CI_JOB_ID'),
      runNumber: v(env, 'CI_PIPELINE_IID'),
      url: url(v(env, 'CI_JOB_URL')),
      ref: v(env, 'CI_COMMIT_REF_NAME'),
      commit: v(env, 'CI_COMMIT_SHA'),
    };
  }
  if (v(env, 'JENKINS_URL') !== null || v(env, 'JENKINS_HOME') !== null) {
    return {
      provider: 'jenkins',
      repository: null,
      pipeline: v(env, 'JOB_NAME'),
      job: v(env, 'STAGE_NAME'),
      runId: v(env, 'BUILD_TAG'),
      runNumber: v(env, 'BUILD_NUMBER'),
      url: url(v(env, 'BUILD_URL')),
      ref: v(env, 'GIT_BRANCH') ?? v(env, 'BRANCH_NAME'),
      commit: v(env, 'GIT_COMMIT'),
    };
  }
  if (env.BUILDKITE === 'true') {
    return {
      provider: 'buildkite',
      repository: v(env, 'BUILDKITE_REPO') === null ? null : redactUrl(env.BUILDKITE_REPO!),
      pipeline: v(env, 'BUILDKITE_PIPELINE_SLUG'),
      job: v(env, 'BUILDKITE_LABEL'),
      runId: v(env, 'BUILDKITE_BUILD_ID'),
      runNumber: v(env, 'BUILDKITE_BUILD_NUMBER'),
      url: url(v(env, 'BUILDKITE_BUILD_URL')),
      ref: v(env, 'BUILDKITE_BRANCH'),
      commit: v(env, 'BUILDKITE_COMMIT'),
    };
  }
  if (on(env.CI)) {
    return { provider: 'generic', repository: null, pipeline: null, job: null, runId: null, runNumber: null, url: null, ref: null, commit: null };
  }
  return null;
}

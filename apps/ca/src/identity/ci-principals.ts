import { claimText, optionalClaimText, type Claims } from './claims';
import { IdentityError, quote } from './identity.error';
import { FulcioOid as Oid } from './oids';

/** A CI identity: the URI SAN and the Fulcio extensions beyond `.1`, `.8` and `.24`. */
export interface CiIdentity {
  san: string;
  extensions: Record<string, string | undefined>;
}

/**
 * The web URL of the GitHub instance behind `iss`: `https://github.com` for GitHub.com
 * (`https://token.actions.githubusercontent.com[/<enterprise>]`), the server's origin for
 * GitHub Enterprise Server, whose issuer is `https://<host>/_services/token`.
 */
export function githubUrl(issuer: string): string {
  const url = new URL(issuer);
  return url.pathname.replace(/\/$/, '') === '/_services/token' ? url.origin : 'https://github.com';
}

/**
 * GitHub Actions claims → SAN and extensions: Fulcio's `github-workflow` ci-provider template
 * (`config/identity/config.yaml`, ca-peers.md §1.6), including the deprecated `.2`–`.6`.
 * Every claim the template names is required except `environment`.
 *
 * @throws IdentityError `MISSING_CLAIM` naming the first required claim that is absent.
 */
export function githubWorkflowIdentity(issuer: string, claims: Claims): CiIdentity {
  const type = 'github-workflow';
  const claim = (name: string): string => claimText(claims, name, type);
  const url = githubUrl(issuer);
  const jobWorkflowRef = claim('job_workflow_ref');
  const repository = claim('repository');
  const sha = claim('sha');
  const ref = claim('ref');
  const eventName = claim('event_name');
  const runInvocation = `${url}/${repository}/actions/runs/${claim('run_id')}/attempts/${claim('run_attempt')}`;
  return {
    san: `${url}/${jobWorkflowRef}`,
    extensions: {
      [Oid.githubWorkflowTrigger]: eventName,
      [Oid.githubWorkflowSha]: sha,
      [Oid.githubWorkflowName]: claim('workflow'),
      [Oid.githubWorkflowRepository]: repository,
      [Oid.githubWorkflowRef]: ref,
      [Oid.buildSignerUri]: `${url}/${jobWorkflowRef}`,
      [Oid.buildSignerDigest]: claim('job_workflow_sha'),
      [Oid.runnerEnvironment]: claim('runner_environment'),
      [Oid.sourceRepositoryUri]: `${url}/${repository}`,
      [Oid.sourceRepositoryDigest]: sha,
      [Oid.sourceRepositoryRef]: ref,
      [Oid.sourceRepositoryIdentifier]: claim('repository_id'),
      [Oid.sourceRepositoryOwnerUri]: `${url}/${claim('repository_owner')}`,
      [Oid.sourceRepositoryOwnerIdentifier]: claim('repository_owner_id'),
      [Oid.buildConfigUri]: `${url}/${claim('workflow_ref')}`,
      [Oid.buildConfigDigest]: claim('workflow_sha'),
      [Oid.buildTrigger]: eventName,
      [Oid.runInvocationUri]: runInvocation,
      [Oid.sourceRepositoryVisibilityAtSigning]: claim('repository_visibility'),
      [Oid.deploymentEnvironment]: optionalClaimText(claims, 'environment'),
    },
  };
}

/**
 * GitLab CI claims → SAN and extensions: Fulcio's `gitlab-pipeline` template. The SAN is
 * `https://` + `ci_config_ref_uri` (which already starts with the GitLab host, e.g.
 * `gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main`). The instance URL for repository,
 * owner and job URIs is `iss`: GitLab's issuer is the instance itself (`https://gitlab.com`),
 * which also serves self-managed instances. `ci_config_sha` (absent when the pipeline
 * definition lives outside the instance) and `environment` are optional.
 *
 * @throws IdentityError `MISSING_CLAIM` naming the first required claim that is absent;
 *   `INVALID_CLAIM` when `ref_type` is neither `branch` nor `tag` or `ci_config_ref_uri` has a scheme.
 */
export function gitlabPipelineIdentity(issuer: string, claims: Claims): CiIdentity {
  const type = 'gitlab-pipeline';
  const claim = (name: string): string => claimText(claims, name, type);
  const url = issuer.replace(/\/+$/, '');
  const configRef = claim('ci_config_ref_uri');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(configRef)) {
    throw new IdentityError(
      'INVALID_CLAIM',
      `ci_config_ref_uri must not include a scheme, got ${quote(configRef)}`,
    );
  }
  const configUri = `https://${configRef}`;
  const configSha = optionalClaimText(claims, 'ci_config_sha');
  const projectPath = claim('project_path');
  return {
    san: configUri,
    extensions: {
      [Oid.buildSignerUri]: configUri,
      [Oid.buildSignerDigest]: configSha,
      [Oid.runnerEnvironment]: claim('runner_environment'),
      [Oid.sourceRepositoryUri]: `${url}/${projectPath}`,
      [Oid.sourceRepositoryDigest]: claim('sha'),
      [Oid.sourceRepositoryRef]: gitlabRef(claim('ref_type'), claim('ref')),
      [Oid.sourceRepositoryIdentifier]: claim('project_id'),
      [Oid.sourceRepositoryOwnerUri]: `${url}/${claim('namespace_path')}`,
      [Oid.sourceRepositoryOwnerIdentifier]: claim('namespace_id'),
      [Oid.buildConfigUri]: configUri,
      [Oid.buildConfigDigest]: configSha,
      [Oid.buildTrigger]: claim('pipeline_source'),
      [Oid.runInvocationUri]: `${url}/${projectPath}/-/jobs/${claim('job_id')}`,
      [Oid.sourceRepositoryVisibilityAtSigning]: claim('project_visibility'),
      [Oid.deploymentEnvironment]: optionalClaimText(claims, 'environment'),
    },
  };
}

function gitlabRef(refType: string, ref: string): string {
  if (refType === 'branch') return `refs/heads/${ref}`;
  if (refType === 'tag') return `refs/tags/${ref}`;
  throw new IdentityError(
    'INVALID_CLAIM',
    `gitlab-pipeline ref_type must be branch or tag, got ${quote(refType)}`,
  );
}

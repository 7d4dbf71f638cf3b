/** Test fixtures: CI token claims and the extensions Fulcio derives from them. */

/**
 * GitHub Actions claims from Fulcio's pkg/identity/github/principal_test.go ("Valid token
 * authenticates with correct claims", sigstore/fulcio eb10c98), plus `environment`.
 */
export const githubClaims = {
  sub: 'repo:sigstore/fulcio:ref:refs/heads/main',
  event_name: 'push',
  job_workflow_ref: 'sigstore/fulcio/.github/workflows/foo.yaml@refs/heads/main',
  job_workflow_sha: 'example-sha',
  ref: 'refs/heads/main',
  repository: 'sigstore/fulcio',
  repository_id: '12345',
  repository_owner: 'username',
  repository_owner_id: '345',
  repository_visibility: 'public',
  run_attempt: '1',
  run_id: '42',
  runner_environment: 'cloud-hosted',
  sha: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  workflow: 'foo',
  workflow_ref: 'sigstore/other/.github/workflows/foo.yaml@refs/heads/main',
  workflow_sha: 'example-sha-other',
  environment: 'prod',
};

/**
 * What {@link githubClaims} become under Fulcio's github-workflow template
 * (config/identity/config.yaml; ca-peers.md §1.6).
 */
export const githubExtensions = {
  '1.3.6.1.4.1.57264.1.2': 'push',
  '1.3.6.1.4.1.57264.1.3': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  '1.3.6.1.4.1.57264.1.4': 'foo',
  '1.3.6.1.4.1.57264.1.5': 'sigstore/fulcio',
  '1.3.6.1.4.1.57264.1.6': 'refs/heads/main',
  '1.3.6.1.4.1.57264.1.9':
    'https://github.com/sigstore/fulcio/.github/workflows/foo.yaml@refs/heads/main',
  '1.3.6.1.4.1.57264.1.10': 'example-sha',
  '1.3.6.1.4.1.57264.1.11': 'cloud-hosted',
  '1.3.6.1.4.1.57264.1.12': 'https://github.com/sigstore/fulcio',
  '1.3.6.1.4.1.57264.1.13': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  '1.3.6.1.4.1.57264.1.14': 'refs/heads/main',
  '1.3.6.1.4.1.57264.1.15': '12345',
  '1.3.6.1.4.1.57264.1.16': 'https://github.com/username',
  '1.3.6.1.4.1.57264.1.17': '345',
  '1.3.6.1.4.1.57264.1.18':
    'https://github.com/sigstore/other/.github/workflows/foo.yaml@refs/heads/main',
  '1.3.6.1.4.1.57264.1.19': 'example-sha-other',
  '1.3.6.1.4.1.57264.1.20': 'push',
  '1.3.6.1.4.1.57264.1.21': 'https://github.com/sigstore/fulcio/actions/runs/42/attempts/1',
  '1.3.6.1.4.1.57264.1.22': 'public',
  '1.3.6.1.4.1.57264.1.23': 'prod',
};

/**
 * GitLab CI claims from Fulcio's pkg/identity/gitlabcom/principal_test.go (the "Valid token
 * authenticates with correct claims" case), with `ci_config_sha` from its TestEmbed.
 */
export const gitlabClaims = {
  sub: 'project_path:cpanato/testing-cosign:ref_type:branch:ref:main',
  project_id: '42831435',
  project_path: 'cpanato/testing-cosign',
  pipeline_id: '757451528',
  ci_config_ref_uri: 'gitlab.com/cpanto/testing-cosign//.gitlab-ci.yml@refs/head/main',
  ci_config_sha: '714a629c0b401fdce83e847fc9589983fc6f46bc',
  pipeline_source: 'push',
  namespace_path: 'cpanato',
  namespace_id: '1730270',
  job_id: '3659681386',
  ref: 'main',
  ref_type: 'branch',
  sha: '714a629c0b401fdce83e847fc9589983fc6f46bc',
  runner_id: 1,
  runner_environment: 'gitlab-hosted',
  project_visibility: 'public',
};

/** What {@link gitlabClaims} become: the facts asserted by Fulcio's gitlabcom TestEmbed. */
export const gitlabExtensions = {
  '1.3.6.1.4.1.57264.1.9':
    'https://gitlab.com/cpanto/testing-cosign//.gitlab-ci.yml@refs/head/main',
  '1.3.6.1.4.1.57264.1.10': '714a629c0b401fdce83e847fc9589983fc6f46bc',
  '1.3.6.1.4.1.57264.1.11': 'gitlab-hosted',
  '1.3.6.1.4.1.57264.1.12': 'https://gitlab.com/cpanato/testing-cosign',
  '1.3.6.1.4.1.57264.1.13': '714a629c0b401fdce83e847fc9589983fc6f46bc',
  '1.3.6.1.4.1.57264.1.14': 'refs/heads/main',
  '1.3.6.1.4.1.57264.1.15': '42831435',
  '1.3.6.1.4.1.57264.1.16': 'https://gitlab.com/cpanato',
  '1.3.6.1.4.1.57264.1.17': '1730270',
  '1.3.6.1.4.1.57264.1.18':
    'https://gitlab.com/cpanto/testing-cosign//.gitlab-ci.yml@refs/head/main',
  '1.3.6.1.4.1.57264.1.19': '714a629c0b401fdce83e847fc9589983fc6f46bc',
  '1.3.6.1.4.1.57264.1.20': 'push',
  '1.3.6.1.4.1.57264.1.21': 'https://gitlab.com/cpanato/testing-cosign/-/jobs/3659681386',
  '1.3.6.1.4.1.57264.1.22': 'public',
};

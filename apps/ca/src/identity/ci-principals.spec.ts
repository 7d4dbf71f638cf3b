import { githubUrl, githubWorkflowIdentity, gitlabPipelineIdentity } from './ci-principals';
import { codeAndMessage, thrown } from './testing/identity-errors';
import {
  githubClaims,
  githubExtensions,
  gitlabClaims,
  gitlabExtensions,
} from './testing/ci-claims';

const defined = (record: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));

describe(githubWorkflowIdentity.name, () => {
  const iss = 'https://token.actions.githubusercontent.com';

  it("maps Fulcio's GitHub test claims to the SAN and every extension", () => {
    const identity = githubWorkflowIdentity(iss, githubClaims);
    expect(identity.san).toBe(
      'https://github.com/sigstore/fulcio/.github/workflows/foo.yaml@refs/heads/main',
    );
    expect(defined(identity.extensions)).toEqual(githubExtensions);
  });

  it('omits the deployment environment when the job has none, and stringifies numeric ids', () => {
    const { environment: _, ...rest } = githubClaims;
    const identity = githubWorkflowIdentity(iss, { ...rest, run_id: 42, repository_id: 12345 });
    expect(identity.extensions['1.3.6.1.4.1.57264.1.23']).toBeUndefined();
    expect(identity.extensions['1.3.6.1.4.1.57264.1.15']).toBe('12345');
    expect(identity.extensions['1.3.6.1.4.1.57264.1.21']).toBe(
      'https://github.com/sigstore/fulcio/actions/runs/42/attempts/1',
    );
  });

  it.each([
    'job_workflow_ref',
    'job_workflow_sha',
    'runner_environment',
    'repository',
    'sha',
    'ref',
    'repository_id',
    'repository_owner',
    'repository_owner_id',
    'workflow_ref',
    'workflow_sha',
    'event_name',
    'run_id',
    'run_attempt',
    'repository_visibility',
    'workflow',
  ])('requires %s', (claim) => {
    const claims = { ...githubClaims, [claim]: undefined };
    expect(codeAndMessage(thrown(() => githubWorkflowIdentity(iss, claims)))).toEqual({
      code: 'MISSING_CLAIM',
      message: `github-workflow token has no ${claim} claim`,
    });
  });

  it('rejects a claim that is an object', () => {
    const error = thrown(() => githubWorkflowIdentity(iss, { ...githubClaims, ref: { a: 1 } }));
    expect(codeAndMessage(error)).toEqual({
      code: 'INVALID_CLAIM',
      message: 'claim ref must be a string or a number, got {"a":1}',
    });
  });

  it('uses the server origin for GitHub Enterprise Server and github.com otherwise', () => {
    expect(githubUrl('https://ghe.corp.example/_services/token')).toBe('https://ghe.corp.example');
    expect(githubUrl('https://token.actions.githubusercontent.com/acme')).toBe(
      'https://github.com',
    );
  });
});

describe(gitlabPipelineIdentity.name, () => {
  it("maps Fulcio's GitLab test claims to the SAN and every extension", () => {
    const identity = gitlabPipelineIdentity('https://gitlab.com', gitlabClaims);
    expect(identity.san).toBe(
      'https://gitlab.com/cpanto/testing-cosign//.gitlab-ci.yml@refs/head/main',
    );
    expect(defined(identity.extensions)).toEqual(gitlabExtensions);
  });

  it('uses the issuer as the instance URL of a self-managed GitLab, and tags as refs/tags', () => {
    const identity = gitlabPipelineIdentity('https://gitlab.corp.example/', {
      ...gitlabClaims,
      ci_config_ref_uri: 'gitlab.corp.example/g/p//.gitlab-ci.yml@refs/tags/v1',
      ref_type: 'tag',
      ref: 'v1',
      ci_config_sha: '',
    });
    expect(identity.san).toBe('https://gitlab.corp.example/g/p//.gitlab-ci.yml@refs/tags/v1');
    expect(identity.extensions['1.3.6.1.4.1.57264.1.12']).toBe(
      'https://gitlab.corp.example/cpanato/testing-cosign',
    );
    expect(identity.extensions['1.3.6.1.4.1.57264.1.14']).toBe('refs/tags/v1');
    expect(identity.extensions['1.3.6.1.4.1.57264.1.10']).toBeUndefined();
  });

  it.each([
    'ci_config_ref_uri',
    'runner_environment',
    'project_path',
    'sha',
    'ref_type',
    'ref',
    'project_id',
    'namespace_path',
    'namespace_id',
    'pipeline_source',
    'job_id',
    'project_visibility',
  ])('requires %s', (claim) => {
    expect(
      codeAndMessage(
        thrown(() =>
          gitlabPipelineIdentity('https://gitlab.com', { ...gitlabClaims, [claim]: '' }),
        ),
      ),
    ).toEqual({ code: 'MISSING_CLAIM', message: `gitlab-pipeline token has no ${claim} claim` });
  });

  it('rejects an unknown ref_type and a ci_config_ref_uri with a scheme', () => {
    const url = 'https://gitlab.com';
    expect(
      codeAndMessage(
        thrown(() => gitlabPipelineIdentity(url, { ...gitlabClaims, ref_type: 'mr' })),
      ),
    ).toEqual({
      code: 'INVALID_CLAIM',
      message: 'gitlab-pipeline ref_type must be branch or tag, got "mr"',
    });
    expect(
      codeAndMessage(
        thrown(() =>
          gitlabPipelineIdentity(url, { ...gitlabClaims, ci_config_ref_uri: 'https://evil/x' }),
        ),
      ),
    ).toEqual({
      code: 'INVALID_CLAIM',
      message: 'ci_config_ref_uri must not include a scheme, got "https://evil/x"',
    });
  });
});

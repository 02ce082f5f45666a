// The one place the suites ask @cloud-copilot/iam-simulate for a decision, so that the rendered-
// policy table and the recorded-request check evaluate requests the same way.
import { type Simulation, runSimulation } from '@cloud-copilot/iam-simulate';

/** The account of the module's terraform test runs (tests/mocks/aws.tfmock.hcl). */
export const ACCOUNT = '123456789012';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/**
 * The simulator's overall decision for one request, or `error: ...` when it refuses the input.
 * S3 puts the bucket owner's account in `s3:ResourceAccount` on every request; the simulator
 * needs to be told, so it is added to every `s3:` request's context.
 */
export async function decide(
  identityPolicy: string,
  principal: string,
  action: string,
  resource: string,
  resourcePolicy?: string,
  context: Record<string, string> = {},
  resourceAccount = ACCOUNT,
): Promise<Decision | string> {
  const simulation: Simulation = {
    identityPolicies: [{ name: 'inline', policy: JSON.parse(identityPolicy) }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy: JSON.parse(resourcePolicy) } : {}),
    request: { principal, action, resource: { resource, accountId: resourceAccount }, contextVariables: action.startsWith('s3:') ? { 's3:ResourceAccount': resourceAccount, ...context } : context },
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') return `error: ${JSON.stringify(response.errors)}`;
  return response.overallResult;
}

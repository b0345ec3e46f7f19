/**
 * Checks Kubernetes objects against the published OpenAPI schemas, as packaged by kubernetes-models (the
 * built-in kinds) and @kubernetes-models/cloudnative-pg (CloudNativePG's Cluster). Reads a JSON array of objects
 * on stdin, prints a JSON array of `{ object, error }`; an object of a kind no package knows is an error, never
 * skipped. Run as a child process by manifests.test.ts, since both packages ship ES modules only.
 *
 * The schemas say what each field must be, not that no unknown field is present (the Kubernetes schemas leave
 * additionalProperties open): the test checks the fields that matter by name.
 */
interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  items?: KubernetesObject[];
}

/** The module that holds the model of `apiVersion` + `kind`. */
function modelModule(apiVersion: string, kind: string): string {
  if (apiVersion.startsWith('postgresql.cnpg.io/')) return `@kubernetes-models/cloudnative-pg/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

async function validate(object: KubernetesObject): Promise<string | null> {
  const { apiVersion, kind } = object;
  if (!apiVersion || !kind) return 'apiVersion and kind are required';
  let Model: new (data: unknown) => { validate(): void };
  try {
    const module = (await import(modelModule(apiVersion, kind))) as Record<string, typeof Model>;
    const found = module[kind];
    if (!found) return `no schema for ${apiVersion} ${kind}`;
    Model = found;
  } catch {
    return `no schema for ${apiVersion} ${kind}`;
  }
  try {
    new Model(object).validate();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const objects = JSON.parse(Buffer.concat(chunks).toString('utf8')) as KubernetesObject[];
const errors: Array<{ object: string; error: string }> = [];
for (const object of objects) {
  const error = await validate(object);
  if (error) errors.push({ object: `${object.kind ?? '?'}/${object.metadata?.name ?? '?'}`, error });
}
process.stdout.write(JSON.stringify(errors));

import type { Shell } from '../command.js';

/**
 * The job's entrypoint on the cluster (Python, standard library plus boto3): runs the command in the
 * unpacked working directory with the shell the local backend uses, then, when it succeeded,
 * uploads the outputs and metrics files to the results prefix and writes manifest.json last.
 * It exits with the command's code; 86 means the results could not be uploaded.
 */
const COLLECTOR = String.raw`
import hashlib, json, os, subprocess, sys
os.chdir(os.environ.get("MODELCI_SUBDIR") or ".")
command = os.environ["MODELCI_COMMAND"]
if os.environ.get("MODELCI_SHELL") == "sh":
    argv = ["sh", "-e", "-c", command]
else:
    argv = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command]
code = subprocess.call(argv)
if code != 0:
    sys.exit(code if code > 0 else 128 - code)
uri = os.environ.get("MODELCI_RESULTS_URI", "")
if not uri:
    sys.exit(0)
files = []
for path in json.loads(os.environ.get("MODELCI_COLLECT", "[]")):
    if os.path.isdir(path):
        for root, _, names in os.walk(path):
            files.extend(os.path.join(root, name) for name in sorted(names))
    elif os.path.isfile(path):
        files.append(path)
    else:
        print("modelci: the command did not write " + path, file=sys.stderr)
try:
    import boto3
except ImportError:
    print("modelci: boto3 is not installed on the cluster; add it to the pip input or the image", file=sys.stderr)
    sys.exit(86)
bucket, _, prefix = uri[len("s3://"):].partition("/")
client = boto3.client("s3", endpoint_url=os.environ.get("MODELCI_RESULTS_ENDPOINT") or None)
manifest = []
for path in files:
    relative = os.path.normpath(path).replace(os.sep, "/")
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    client.upload_file(path, bucket, prefix + "/files/" + relative)
    manifest.append({"path": relative, "sha256": digest.hexdigest(), "bytes": os.path.getsize(path)})
client.put_object(Bucket=bucket, Key=prefix + "/manifest.json", Body=json.dumps({"files": manifest}).encode())
print("modelci: uploaded %d result file(s) to %s" % (len(manifest), uri))
`;

export const RESULTS_UPLOAD_FAILED = 86;

/** The entrypoint: the collector passed inline, so the working-dir package stays the user's files only. */
export function collectorEntrypoint(): string {
  return `python3 -c "import base64; exec(base64.b64decode('${Buffer.from(COLLECTOR.trimStart(), 'utf8').toString('base64')}').decode())"`;
}

/** The environment the collector reads (shown in job info: no secrets here). */
export function collectorEnv(command: string, shell: Shell, collect: readonly string[], resultsUri: string | undefined, endpoint: string | undefined, subdir = ''): Record<string, string> {
  return {
    ...(subdir ? { MODELCI_SUBDIR: subdir } : {}),
    MODELCI_COMMAND: command,
    MODELCI_SHELL: shell,
    MODELCI_COLLECT: JSON.stringify(collect),
    ...(resultsUri ? { MODELCI_RESULTS_URI: resultsUri } : {}),
    ...(endpoint ? { MODELCI_RESULTS_ENDPOINT: endpoint } : {}),
  };
}

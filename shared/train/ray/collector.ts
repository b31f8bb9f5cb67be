import type { Shell } from '../command.js';

/**
 * The job's entrypoint on the cluster (Python, standard library; boto3 for an s3:// results-uri):
 * runs the command in a private copy of the unpacked working directory with the shell the local
 * backend uses, then, when it succeeded, uploads the outputs and metrics files to the results store
 * (an S3 prefix, or the MLflow server's proxied artifact store for an mlflow+http(s):// results-uri)
 * and writes manifest.json last. It exits with the command's code; 86 means the results could not
 * be uploaded.
 */
const COLLECTOR = String.raw`
import atexit, base64, hashlib, json, os, shutil, signal, subprocess, sys, tempfile, urllib.parse, urllib.request
# Ray unpacks a package once per node and runs every job of the same files in that one directory:
# matrix legs would overwrite and upload each other's outputs. Each job works in its own copy.
private = tempfile.mkdtemp(prefix="modelci-job-")
atexit.register(shutil.rmtree, private, True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
shutil.copytree(".", private, symlinks=True, dirs_exist_ok=True)
os.chdir(os.path.join(private, os.environ.get("MODELCI_SUBDIR") or "."))
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

def s3_uploader():
    try:
        import boto3
    except ImportError:
        print("modelci: boto3 is not installed on the cluster; add it to the pip input or the image", file=sys.stderr)
        sys.exit(86)
    bucket, _, prefix = uri[len("s3://"):].partition("/")
    client = boto3.client("s3", endpoint_url=os.environ.get("MODELCI_RESULTS_ENDPOINT") or None)
    def upload(key, path=None, body=None):
        if path is not None:
            client.upload_file(path, bucket, prefix + "/" + key)
        else:
            client.put_object(Bucket=bucket, Key=prefix + "/" + key, Body=body)
    return upload

def mlflow_uploader():
    base = uri[len("mlflow+"):].rstrip("/") + "/api/2.0/mlflow-artifacts/artifacts/"
    root = os.environ["MODELCI_RESULTS_PATH"]
    headers = {"Content-Type": "application/octet-stream"}
    if os.environ.get("MLFLOW_TRACKING_TOKEN"):
        headers["Authorization"] = "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"]
    elif os.environ.get("MLFLOW_TRACKING_USERNAME") is not None:
        pair = os.environ.get("MLFLOW_TRACKING_USERNAME", "") + ":" + os.environ.get("MLFLOW_TRACKING_PASSWORD", "")
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    def upload(key, path=None, body=None):
        url = base + urllib.parse.quote(root + "/" + key)
        if path is not None:
            with open(path, "rb") as handle:
                request = urllib.request.Request(url, data=handle, method="PUT", headers={**headers, "Content-Length": str(os.path.getsize(path))})
                urllib.request.urlopen(request, timeout=600).read()
        else:
            urllib.request.urlopen(urllib.request.Request(url, data=body, method="PUT", headers=headers), timeout=600).read()
    return upload

upload = mlflow_uploader() if uri.startswith("mlflow+") else s3_uploader()
manifest = []
try:
    for path in files:
        relative = os.path.normpath(path).replace(os.sep, "/")
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        upload("files/" + relative, path=path)
        manifest.append({"path": relative, "sha256": digest.hexdigest(), "bytes": os.path.getsize(path)})
    upload("manifest.json", body=json.dumps({"files": manifest}).encode())
except Exception as error:
    print("modelci: could not upload the results to " + uri + ": " + str(error), file=sys.stderr)
    sys.exit(86)
print("modelci: uploaded %d result file(s) to %s" % (len(manifest), uri))
`;

export const RESULTS_UPLOAD_FAILED = 86;

/** The entrypoint: the collector passed inline, so the working-dir package stays the user's files only. */
export function collectorEntrypoint(): string {
  return `python3 -c "import base64; exec(base64.b64decode('${Buffer.from(COLLECTOR.trimStart(), 'utf8').toString('base64')}').decode())"`;
}

/** The environment the collector reads (shown in job info: no secrets here). */
export function collectorEnv(command: string, shell: Shell, collect: readonly string[], results: Record<string, string>, subdir = ''): Record<string, string> {
  return {
    ...(subdir ? { MODELCI_SUBDIR: subdir } : {}),
    MODELCI_COMMAND: command,
    MODELCI_SHELL: shell,
    MODELCI_COLLECT: JSON.stringify(collect),
    ...results,
  };
}

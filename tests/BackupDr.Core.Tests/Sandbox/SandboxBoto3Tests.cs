using BackupDr.Core.Tests.Infrastructure;
using System.Diagnostics;

namespace BackupDr.Core.Tests.Sandbox;

/// <summary>Independent clients (boto3, the AWS CLI) against the sandbox: proof that it speaks the real wire, not only our dialect.</summary>
public sealed class SandboxBoto3Tests
{
    private const string Script = """
import sys, time, boto3
endpoint = sys.argv[1]
kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="AKIDBOTO", aws_secret_access_key="x")
ec2 = boto3.client("ec2", **kw)
backup = boto3.client("backup", **kw)
backup.create_backup_vault(BackupVaultName="Main")
vol = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, VolumeType="gp3",
    TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "tier", "Value": "gold"}]}])["VolumeId"]
arn = "arn:aws:ec2:us-east-1:123456789012:volume/" + vol
job = backup.start_backup_job(BackupVaultName="Main", ResourceArn=arn, IamRoleArn="arn:aws:iam::123456789012:role/backup", IdempotencyToken="t1")["BackupJobId"]
for _ in range(100):
    state = backup.describe_backup_job(BackupJobId=job)["State"]
    if state in ("COMPLETED", "FAILED", "ABORTED", "EXPIRED"):
        break
    time.sleep(0.1)
print("backup", state)
rps = backup.list_recovery_points_by_backup_vault(BackupVaultName="Main")["RecoveryPoints"]
rp = rps[0]["RecoveryPointArn"]
print("recovery-point", rp, rps[0]["CreationDate"].year > 2000)
meta = backup.get_recovery_point_restore_metadata(BackupVaultName="Main", RecoveryPointArn=rp)["RestoreMetadata"]
meta["availabilityZone"] = "us-east-1b"
rj = backup.start_restore_job(RecoveryPointArn=rp, IamRoleArn="arn:aws:iam::123456789012:role/backup", Metadata=meta)["RestoreJobId"]
for _ in range(100):
    r = backup.describe_restore_job(RestoreJobId=rj)
    if r["Status"] in ("COMPLETED", "FAILED", "ABORTED"):
        break
    time.sleep(0.1)
print("restore", r["Status"], r.get("CreatedResourceArn"))
new_vol = r["CreatedResourceArn"].split("/")[-1]
vols = ec2.describe_volumes(Filters=[{"Name": "volume-id", "Values": [new_vol]}])["Volumes"]
print("restored-volume", vols[0]["VolumeId"], vols[0]["AvailabilityZone"], vols[0]["SnapshotId"] == rp.split("/")[-1])
tagged = ec2.describe_volumes(Filters=[{"Name": "tag:tier", "Values": ["gold"]}])["Volumes"]
print("tagged", [v["VolumeId"] for v in tagged] == [vol])
jobs = backup.list_backup_jobs(ByState="COMPLETED", ByCreatedAfter=rps[0]["CreationDate"].replace(year=2000))["BackupJobs"]
print("jobs", len(jobs))
try:
    backup.describe_backup_vault(BackupVaultName="Nope")
except backup.exceptions.ResourceNotFoundException as e:
    print("error", e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"])
rds = boto3.client("rds", **kw)
try:
    rds.describe_db_instances(DBInstanceIdentifier="nope")
except rds.exceptions.DBInstanceNotFoundFault as e:
    print("rds-error", e.response["Error"]["Code"])
""";

    private static (int Exit, string Output) Run(string file, string args, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        foreach (var kv in env ?? new Dictionary<string, string>())
        {
            psi.Environment[kv.Key] = kv.Value;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within 60 s.");
        }

        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    [ToolFact("boto3")]
    public void Boto3_backs_up_and_restores_a_volume_against_the_sandbox()
    {
        using var sb = new SandboxHarness(o => o.JobDuration = TimeSpan.FromSeconds(0.5));
        sb.Server.Configure(o => o.Clock = () => DateTime.UtcNow);
        var script = Path.Combine(Path.GetTempPath(), $"sandbox-boto3-{Guid.NewGuid():N}.py");
        File.WriteAllText(script, Script);
        try
        {
            var (exit, output) = Run("python3", $"{script} {sb.Server.Endpoint}");
            Assert.True(exit == 0, output);
            Assert.Contains("backup COMPLETED", output);
            Assert.Matches(@"recovery-point arn:aws:ec2:us-east-1::snapshot/snap-[0-9a-f]{17} True", output);
            Assert.Matches(@"restore COMPLETED arn:aws:ec2:us-east-1:123456789012:volume/vol-", output);
            Assert.Matches(@"restored-volume vol-[0-9a-f]{17} us-east-1b True", output);
            Assert.Contains("tagged True", output);
            Assert.Contains("jobs 1", output);
            Assert.Contains("error ResourceNotFoundException 400", output);
            Assert.Contains("rds-error DBInstanceNotFound", output);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [ToolFact("aws")]
    public void Boto3_aws_cli_lists_backup_vaults()
    {
        using var sb = new SandboxHarness();
        var env = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "AKIDCLI", ["AWS_SECRET_ACCESS_KEY"] = "x", ["AWS_DEFAULT_REGION"] = "eu-central-1" };
        var endpoint = sb.Server.Endpoint.ToString().TrimEnd('/');
        var (exit1, out1) = Run("aws", $"--endpoint-url {endpoint} backup create-backup-vault --backup-vault-name CliVault", env);
        Assert.True(exit1 == 0, out1);
        var (exit2, out2) = Run("aws", $"--endpoint-url {endpoint} backup list-backup-vaults --query BackupVaultList[].BackupVaultArn --output text", env);
        Assert.True(exit2 == 0, out2);
        Assert.Equal(
            new[] { "arn:aws:backup:eu-central-1:123456789012:backup-vault:CliVault", "arn:aws:backup:eu-central-1:123456789012:backup-vault:Default" },
            out2.Split(new[] { '\t', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries).OrderBy(a => a, StringComparer.Ordinal));
    }
}

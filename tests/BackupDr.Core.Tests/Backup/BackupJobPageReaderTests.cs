using System.Text;
using System.Text.Json;
using BackupDr.Core.Aws;

namespace BackupDr.Core.Tests.Backup;

/// <summary>The byte-level ListBackupJobs reader the report uses gives exactly what the element reader (Describe) gives.</summary>
public sealed class BackupJobPageReaderTests
{
    private const string Page = """
    { "BackupJobs": [
      { "AccountId": "123456789012", "BackupJobId": "A1", "BackupVaultName": "Main", "BackupVaultArn": "arn:aws:backup:us-east-1:123456789012:backup-vault:Main",
        "RecoveryPointArn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-a1", "ResourceArn": "arn:aws:rds:us-east-1:123456789012:db:orders",
        "CreationDate": 1795239138.171, "CompletionDate": 1795239738.5, "State": "COMPLETED", "StatusMessage": "ok \"quoted\" \u00e9",
        "PercentDone": "100.0", "BackupSizeInBytes": 1073741824, "IamRoleArn": "arn:aws:iam::123456789012:role/backup", "ResourceType": "RDS",
        "BytesTransferred": 17, "ExpectedCompletionDate": "2026-11-20T10:00:00.000Z", "StartBy": "1795239999", "BackupType": "FULL",
        "ParentJobId": null, "IsParent": false, "ResourceName": "orders", "MessageCategory": "PARTIAL_SUCCESS",
        "RecoveryPointLifecycle": { "MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 120, "OptInToArchiveForSupportedResources": true, "Extra": [1, 2] },
        "EncryptionKeyArn": "arn:aws:kms:us-east-1:123456789012:key/k", "IsEncrypted": true, "InitiationDate": 1795239100, "Unknown": { "a": [1, { "b": 2 }] } },
      { "BackupJobId": "A2", "BackupVaultArn": "arn:aws:backup:us-east-1:210987654321:backup-vault:Main", "State": "FAILED", "StatusMessage": 42,
        "PercentDone": 12.5, "CreationDate": null, "ResourceType": "RDS", "BackupVaultName": "Main", "IsParent": "no" },
      { "State": "RUNNING", "BackupJobId": "A3" }
    ], "NextToken": "tok-2" }
    """;

    [Fact]
    public void Page_reader_matches_the_element_reader_member_for_member()
    {
        var fast = BackupJobPageReader.Read(Encoding.UTF8.GetBytes(Page), "us-east-1", out var next);

        using var doc = JsonDocument.Parse(Page);
        var slow = doc.RootElement.GetProperty("BackupJobs").EnumerateArray().Select(e => BackupWire.ReadBackupJob(e, "us-east-1")).ToList();

        Assert.Equal("tok-2", next);
        Assert.Equal(3, fast.Count);
        Assert.Equal(slow.Select(j => JsonSerializer.Serialize(j)), fast.Select(j => JsonSerializer.Serialize(j)));
        Assert.Equal("210987654321", fast[1].AccountId);
        Assert.Equal("42", fast[1].StatusMessage);
        Assert.Equal("ok \"quoted\" \u00e9", fast[0].StatusMessage);
        Assert.Equal(120, fast[0].RecoveryPointLifecycle!.DeleteAfterDays);
    }

    /// <summary>
    /// Repeated members of consecutive jobs are one string (the report reads a million of them), found by comparing the
    /// bytes with the previous string: a near miss of the same length, or text beyond ASCII, is never taken for it.
    /// </summary>
    [Fact]
    public void Repeated_members_share_one_string_and_near_misses_stay_distinct()
    {
        var names = new[] { "orders", "orders", "ordert", "caf\u00e9", "café", "café", "cafe", "cafe" };
        var json = "{\"BackupJobs\":[" + string.Join(",", names.Select((n, i) => $"{{\"BackupJobId\":\"J{i}\",\"ResourceName\":\"{n}\"}}")) + "]}";

        var jobs = BackupJobPageReader.Read(Encoding.UTF8.GetBytes(json), "us-east-1", out _);

        Assert.Equal(new[] { "orders", "orders", "ordert", "café", "café", "café", "cafe", "cafe" }, jobs.Select(j => j.ResourceName));
        Assert.Same(jobs[0].ResourceName, jobs[1].ResourceName);
        Assert.Same(jobs[6].ResourceName, jobs[7].ResourceName);
        Assert.NotSame(jobs[1].ResourceName, jobs[2].ResourceName);
    }

    [Fact]
    public void Page_reader_refuses_bytes_that_are_not_json()
    {
        Assert.ThrowsAny<JsonException>(() => BackupJobPageReader.Read(Encoding.UTF8.GetBytes("{ \"BackupJobs\": [ { \"State\": "), "us-east-1", out _));
    }
}

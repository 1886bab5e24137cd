using BackupDr.Core.Model;
using BackupDr.Core.Operations;

namespace BackupDr.Core.Tests.Model;

/// <summary>The short ids table views show in place of whole ARNs (TableCutsResourceArn regression).</summary>
public class ResourceIdTests
{
    [Theory]
    [InlineData("arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0", "vol-0123456789abcdef0")]
    [InlineData("arn:aws:ec2:us-east-1:123456789012:instance/i-0abcdef1234567890", "i-0abcdef1234567890")]
    [InlineData("arn:aws:rds:us-east-1:123456789012:db:orders-db", "orders-db")]
    [InlineData("arn:aws:rds:eu-west-1:123456789012:cluster:aurora-prod", "aurora-prod")]
    [InlineData("arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0", "snap-0123456789abcdef0")]
    [InlineData("arn:aws:s3:::my-bucket", "my-bucket")]
    [InlineData("not-an-arn", "not-an-arn")]
    public void ShortIdOf_gives_the_id_people_recognise(string arn, string expected)
    {
        Assert.Equal(expected, Arn.ShortIdOf(arn));
    }

    [Fact]
    public void Models_carry_the_short_id_next_to_the_ARN()
    {
        Assert.Null(Arn.ShortIdOf(null));
        Assert.Equal("vol-0123456789abcdef0", new BackupJob { ResourceArn = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0" }.ResourceId);
        Assert.Equal("orders", new CopyJob { ResourceArn = "arn:aws:rds:us-east-1:123456789012:db:orders" }.ResourceId);
        Assert.Equal("orders-restore-1", new RestoreJob { CreatedResourceArn = "arn:aws:rds:us-east-1:123456789012:db:orders-restore-1" }.CreatedResourceId);
        Assert.Equal("orders", new RecoveryPoint { ResourceArn = "arn:aws:rds:us-east-1:123456789012:db:orders" }.ResourceId);
        var tagged = new TagChangeResult(Arn.Parse("arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"), "EBS", new TagDiff());
        Assert.Equal("vol-0123456789abcdef0", tagged.ResourceId);
    }
}

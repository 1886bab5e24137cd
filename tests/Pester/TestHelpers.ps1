# Shared by the BackupDr Pester tests: which module to import and a small sandbox seed.
function Get-BackupDrModulePath {
    if ($env:BACKUPDR_MODULE_PATH) { return $env:BACKUPDR_MODULE_PATH }
    Join-Path $PSScriptRoot '../../out/BackupDr/BackupDr.psd1'
}

function New-BackupDrSeed {
    param([string] $Path, [hashtable] $VolumeTags = @{ Name = 'data' }, [hashtable] $DbTags = @{})
    $seed = @{
        regions = @(
            @{
                region      = 'us-east-1'
                volumes     = @(@{ id = 'vol-0123456789abcdef0'; size = 8; availabilityZone = 'us-east-1a'; volumeType = 'gp3'; tags = $VolumeTags })
                dbInstances = @(@{ id = 'orders'; class = 'db.t3.micro'; engine = 'postgres'; engineVersion = '16.3'; allocatedStorage = 20; subnetGroup = 'default'; tags = $DbTags })
                vaults      = @(@{ name = 'Default'; tags = @{} })
            }
        )
    }
    $seed | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $Path -Encoding utf8
    $Path
}

$VolumeArn = 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0'
$DbArn = 'arn:aws:rds:us-east-1:123456789012:db:orders'

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

$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$SampleSeed = Join-Path $RepoRoot 'examples/sandbox-seed.json'

# The folder that holds the BackupDr module folder, for PSModulePath: the README imports it by name.
function Get-BackupDrModuleRoot {
    Split-Path -Parent (Split-Path -Parent (Get-BackupDrModulePath))
}

# The first ```powershell block after a Markdown heading, as written.
function Get-MarkdownCodeBlock {
    param([string] $Path, [string] $Heading)
    $text = Get-Content -LiteralPath $Path -Raw
    $at = $text.IndexOf($Heading, [StringComparison]::Ordinal)
    if ($at -lt 0) { throw "$Path has no heading '$Heading'" }
    $m = [regex]::Match($text.Substring($at), '(?ms)^```powershell\r?\n(.*?)^```')
    if (-not $m.Success) { throw "$Path has no powershell block after '$Heading'" }
    $m.Groups[1].Value
}

# Examples of a docs/cmdlets page (hashtables, for Pester's -ForEach): number, title, code and the text after the code.
function Get-HelpExample {
    param([string] $Path)
    $text = Get-Content -LiteralPath $Path -Raw
    $section = [regex]::Match($text, '(?ms)^## EXAMPLES\s*$(.*?)^## (?!#)').Groups[1].Value
    foreach ($m in [regex]::Matches($section, '(?ms)^### Example (\d+): ([^\r\n]*)\r?\n```powershell\r?\n(.*?)^```\s*(.*?)(?=^### Example |\z)')) {
        @{
            Cmdlet   = [IO.Path]::GetFileNameWithoutExtension($Path)
            Number   = [int]$m.Groups[1].Value
            Title    = $m.Groups[2].Value.Trim()
            Code     = $m.Groups[3].Value
            Remarks  = $m.Groups[4].Value.Trim()
            NeedsAws = $m.Groups[4].Value -match '\(needs AWS[^)]*\)'
        }
    }
}

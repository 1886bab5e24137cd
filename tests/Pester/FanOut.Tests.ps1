# Fan-out over pipeline input (issue 10, "Fan-out"): Start-DrBackup and Set-DrBackupTag over a few hundred sandbox
# resources with -ThrottleLimit against a throttled sandbox: every resource gets exactly one job (counted in the
# sandbox's own job list), failures are error records with stable ids and the rest go on, Ctrl+C stops promptly.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $ProgressPreference = 'SilentlyContinue'

    $count = 300
    $script:volumeIds = 0..($count - 1) | ForEach-Object { 'vol-{0:x17}' -f (0x3000 + $_) }
    $script:arns = $script:volumeIds | ForEach-Object { "arn:aws:ec2:us-east-1:123456789012:volume/$_" }
    $seed = @{ regions = @(@{ region = 'us-east-1'; volumes = @($script:volumeIds | ForEach-Object { @{ id = $_; size = 8; tags = @{ Name = $_ } } }) }) }
    $script:seedPath = Join-Path $TestDrive 'fanout-seed.json'
    $seed | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $script:seedPath -Encoding utf8

    function Set-SandboxOption([hashtable] $Options) {
        $null = Invoke-RestMethod -Method Post -Uri "$($script:sb.EndpointUrl)/_sandbox/options" -ContentType 'application/json' -Body ($Options | ConvertTo-Json)
    }

    # Each resource exactly once in the sandbox's own job list, and nothing else there.
    function Assert-OneJobPerResource([string[]] $Expected) {
        $jobs = @($script:sb.Server.BackupJobs())
        $dupes = @($jobs | Group-Object ResourceArn | Where-Object Count -gt 1 | ForEach-Object { "$($_.Name) x$($_.Count)" })
        $dupes | Should -BeNullOrEmpty
        Compare-Object $Expected @($jobs | ForEach-Object ResourceArn) | Should -BeNullOrEmpty
    }
}

Describe 'Start-DrBackup fans out over the pipeline with -ThrottleLimit' {
    BeforeAll { $script:sb = Start-DrSandbox -JobDuration 600 -SeedPath $script:seedPath }
    AfterAll { Stop-DrSandbox }
    BeforeEach {
        $script:sb.Reset()
        Set-SandboxOption @{ ThrottleRate = 0; ErrorRate = 0; ThrottleBurst = 10 }
    }

    It 'starts exactly one job per resource for 300 piped ARNs against a sandbox throttled to 60 calls/s' {
        Set-SandboxOption @{ ThrottleRate = 60; ThrottleBurst = 5 }
        $errs = $null
        $jobs = $script:arns | Start-DrBackup -ThrottleLimit 16 -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $jobs.Count | Should -Be 300
        @($jobs.JobId | Sort-Object -Unique).Count | Should -Be 300
        Assert-OneJobPerResource $script:arns
        @($script:sb.Server.RequestLog | Where-Object Status -eq 429).Count | Should -BeGreaterThan 0 -Because 'the sandbox must really have throttled'
    }

    It 'writes bad and missing resources as error records with stable ids and starts all the others' {
        $missing = 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0ffffffffffffffff'
        $inputArns = @($script:arns[0..99]) + $missing + 'not-an-arn' + 'arn:aws:s3:::bucket'
        $errs = $null
        $jobs = $inputArns | Start-DrBackup -ThrottleLimit 8 -ErrorVariable errs -ErrorAction SilentlyContinue
        $jobs.Count | Should -Be 100
        $ids = @($errs | ForEach-Object FullyQualifiedErrorId | Sort-Object)
        $ids.Count | Should -Be 3
        $ids | Should -Be @(
            'IamRoleArnRequired,BackupDr.Commands.StartDrBackupCommand'      # an S3 ARN has no account to derive the role from
            'InvalidResourceArn,BackupDr.Commands.StartDrBackupCommand'
            'ResourceNotFoundException,BackupDr.Commands.StartDrBackupCommand')
        ($errs | Where-Object { $_.FullyQualifiedErrorId -like 'ResourceNotFoundException,*' }).TargetObject | Should -Be $missing
        Assert-OneJobPerResource $script:arns[0..99]
    }

    It 'starts no second backup when starts are answered 503 after they took effect (lost answers) and 5xx at random' {
        # 40 lost answers spread over the run: 2 in every 10 starts that reach the sandbox's handler.
        foreach ($i in 0..19) {
            $null = Invoke-RestMethod -Method Post -Uri "$($script:sb.EndpointUrl)/_sandbox/faults" -ContentType 'application/json' -Body (@{ Operation = 'StartBackupJob'; Count = 2; Status = 503; Skip = $i * 10; AfterEffect = $true } | ConvertTo-Json)
        }
        Set-SandboxOption @{ ErrorRate = 0.05; RandomSeed = 4 }
        $jobs = $script:arns[0..199] | Start-DrBackup -ThrottleLimit 16
        $jobs.Count | Should -Be 200
        ((Invoke-RestMethod "$($script:sb.EndpointUrl)/_sandbox/faults").Faults | Measure-Object Fired -Sum).Sum | Should -Be 40
        Assert-OneJobPerResource $script:arns[0..199]
    }

    It 'a rerun of the same fan-out the same day returns the same jobs and starts none' {
        $first = $script:arns[0..49] | Start-DrBackup -ThrottleLimit 10
        $second = $script:arns[0..49] | Start-DrBackup -ThrottleLimit 10
        Compare-Object @($first.JobId) @($second.JobId) | Should -BeNullOrEmpty
        Assert-OneJobPerResource $script:arns[0..49]
    }

    It 'refuses -ThrottleLimit <Limit> before anything is sent' -ForEach @(@{ Limit = 0 }, @{ Limit = 65 }) {
        $script:sb.Server.ClearRequestLog()
        { $script:arns[0..4] | Start-DrBackup -ThrottleLimit $Limit -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,BackupDr.Commands.StartDrBackupCommand'
        $script:sb.Server.RequestLog.Count | Should -Be 0
    }

    It '-WhatIf with -ThrottleLimit starts nothing' {
        $script:arns[0..9] | Start-DrBackup -ThrottleLimit 4 -WhatIf
        @($script:sb.Server.BackupJobs()).Count | Should -Be 0
    }

    It 'Ctrl+C stops a slow fan-out promptly and leaves fewer jobs than resources' {
        Set-SandboxOption @{ LatencyMs = 300 }
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$(Get-BackupDrModulePath)'; Set-DrDefault -EndpointUrl '$($script:sb.EndpointUrl)' -Region us-east-1 -AccessKey AKIDFANOUT -SecretKey s; `$args[0] | Start-DrBackup -ThrottleLimit 4").AddArgument([string[]]$script:arns)
        $handle = $ps.BeginInvoke()
        Start-Sleep -Seconds 2
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        @($script:sb.Server.BackupJobs()).Count | Should -BeLessThan 300
        $ps.Dispose()
    }
}

Describe 'Set-DrBackupTag fans out over the pipeline with -ThrottleLimit' {
    BeforeAll { $script:sb = Start-DrSandbox -JobDuration 0 -SeedPath $script:seedPath }
    AfterAll { Stop-DrSandbox }

    It 'tags 300 volumes with the EC2 API throttled, each exactly once, written as it finishes' {
        Set-SandboxOption @{ ThrottleRate = 80; ThrottleBurst = 5 }
        $errs = $null
        $results = $script:arns | Set-DrBackupTag -Tier Gold -Frequency daily -ThrottleLimit 12 -PassThru -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        $results.Count | Should -Be 300
        @($results | Where-Object Applied).Count | Should -Be 300
        @($results.ResourceArn | Sort-Object -Unique).Count | Should -Be 300
        Set-SandboxOption @{ ThrottleRate = 0 }
        $again = $script:arns | Set-DrBackupTag -Tier Gold -Frequency daily -ThrottleLimit 12 -PassThru
        @($again | Where-Object Applied).Count | Should -Be 0 -Because 'every volume already carries the tags'
    }

    It 'a resource that cannot be tagged is an error record and the others are tagged' {
        $errs = $null
        $results = @($script:arns[0..19]) + 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0ffffffffffffffff' + 'arn:aws:s3:::bucket' |
            Set-DrBackupTag -Tier Silver -ThrottleLimit 4 -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue
        @($results | Where-Object Applied).Count | Should -Be 20
        @($errs).Count | Should -BeGreaterOrEqual 1
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -Match '^[A-Za-z.]+,BackupDr\.Commands\.SetDrBackupTagCommand$' }
        @($errs | ForEach-Object FullyQualifiedErrorId | Sort-Object) | Should -Be @(
            'InvalidVolume.NotFound,BackupDr.Commands.SetDrBackupTagCommand'
            'UnsupportedResourceType,BackupDr.Commands.SetDrBackupTagCommand')
    }
}

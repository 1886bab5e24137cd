# One wait path for every cmdlet that waits (issue 8, "Waits lose everything"; issue 7, fixed 15 s polling):
# fault runs against the sandbox account for every job, -Timeout is one JobWaitTimeout record per running job,
# a bad -Timeout sends nothing, Ctrl+C names the started jobs and closes progress.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module (Get-BackupDrModulePath) -Force
    $ProgressPreference = 'SilentlyContinue'

    $count = 200
    $volumeIds = 0..($count - 1) | ForEach-Object { 'vol-{0:x17}' -f (0x1000 + $_) }
    $script:arns = $volumeIds | ForEach-Object { "arn:aws:ec2:us-east-1:123456789012:volume/$_" }
    $points = 0..3 | ForEach-Object {
        @{ arn = ('arn:aws:ec2:us-east-1::snapshot/snap-{0:x17}' -f (0x2000 + $_)); vault = 'Default'; resourceArn = $script:arns[$_]; createdAgeMinutes = 60; sizeInBytes = 8589934592 }
    }
    $script:pointArns = $points | ForEach-Object { $_.arn }
    $seed = @{
        regions = @(
            @{
                region         = 'us-east-1'
                volumes        = @($volumeIds | ForEach-Object { @{ id = $_; size = 8; availabilityZone = 'us-east-1a'; volumeType = 'gp3'; tags = @{ Name = $_ } } })
                vaults         = @(@{ name = 'Default'; tags = @{} })
                recoveryPoints = @($points)
            },
            @{ region = 'us-west-2'; vaults = @(@{ name = 'Default'; tags = @{} }) }
        )
    }
    $script:seedPath = Join-Path $TestDrive 'seed200.json'
    $seed | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $script:seedPath -Encoding utf8

    function Set-SandboxFault([hashtable] $Options) {
        $null = Invoke-RestMethod -Method Post -Uri "$($script:sb.EndpointUrl)/_sandbox/options" -ContentType 'application/json' -Body ($Options | ConvertTo-Json)
    }

    # Every input job is either emitted or a JobWaitTimeout record carrying it, exactly once.
    function Assert-EveryJobAccountedFor($InputJobs, $Emitted, $Errors) {
        $timedOut = @($Errors | Where-Object { $_.FullyQualifiedErrorId -like 'JobWaitTimeout,*' } | ForEach-Object { $_.TargetObject.JobId })
        $seen = @($Emitted | ForEach-Object { $_.JobId }) + $timedOut
        $seen.Count | Should -Be $InputJobs.Count
        @($seen | Sort-Object -Unique).Count | Should -Be $InputJobs.Count
        Compare-Object @($InputJobs | ForEach-Object { $_.JobId }) $seen | Should -BeNullOrEmpty
    }
}

Describe 'Throttled or 503 polls end a whole batch wait (regression, issue 8)' {
    BeforeAll {
        $script:sb = Start-DrSandbox -JobDuration 3 -SeedPath $script:seedPath
    }
    AfterAll { Stop-DrSandbox }
    BeforeEach {
        $script:sb.Reset()
        Set-SandboxFault @{ ThrottleRate = 0; ErrorRate = 0; ThrottleBurst = 10 }
    }

    It 'Wait-DrJob emits all 200 jobs with the sandbox throttled to 5 calls/s' {
        $jobs = Start-DrBackup -ResourceArn $script:arns
        $jobs.Count | Should -Be 200
        Set-SandboxFault @{ ThrottleRate = 5; ThrottleBurst = 5 }
        $errs = $null
        $out = $jobs | Wait-DrJob -Timeout 45 -ErrorAction SilentlyContinue -ErrorVariable errs
        Assert-EveryJobAccountedFor $jobs $out $errs
        @($out).Count | Should -Be 200
        $out | ForEach-Object { $_.State } | Sort-Object -Unique | Should -Be 'COMPLETED'
    }

    It 'Wait-DrJob emits all 200 jobs when half of all calls are answered 503' {
        $jobs = Start-DrBackup -ResourceArn $script:arns
        Set-SandboxFault @{ ErrorRate = 0.5 }
        $errs = $null
        $out = $jobs | Wait-DrJob -Timeout 45 -ErrorAction SilentlyContinue -ErrorVariable errs
        Assert-EveryJobAccountedFor $jobs $out $errs
        @($out).Count | Should -Be 200
        # The fault was real: polls were answered 503.
        @($script:sb.Requests | Where-Object { $_.Status -eq 503 }).Count | Should -BeGreaterThan 0
    }

    It 'Start-DrBackup -Wait emits all 20 jobs at a 5 calls/s throttle' {
        # A burst of 25 lets the 20 starts (and their describes) through; the waits then run at 5 calls/s.
        Set-SandboxFault @{ ThrottleRate = 5; ThrottleBurst = 25 }
        $errs = $null
        $out = Start-DrBackup -ResourceArn $script:arns[0..19] -Wait -Timeout 45 -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs | Should -BeNullOrEmpty
        @($out).Count | Should -Be 20
        @($out | ForEach-Object { $_.ResourceArn } | Sort-Object -Unique).Count | Should -Be 20
        $out | ForEach-Object { $_.State } | Sort-Object -Unique | Should -Be 'COMPLETED'
    }
}

Describe 'Jobs are written as they finish' {
    BeforeAll { $script:sb = Start-DrSandbox -JobDuration 4 -SeedPath $script:seedPath }
    AfterAll { Stop-DrSandbox }

    It 'Wait-DrJob writes a finished job while another is still running' {
        $done = Start-DrBackup -ResourceArn $script:arns[0] -Wait
        $done.State | Should -Be 'COMPLETED'
        $running = Start-DrBackup -ResourceArn $script:arns[1]
        $states = @($running, $done | Wait-DrJob | ForEach-Object {
            # When the first job reaches the pipeline, the other one must still be running.
            [pscustomobject]@{ JobId = $_.JobId; OtherState = (Get-DrBackupJob -JobId $running.JobId).State }
        })
        $states[0].JobId | Should -Be $done.JobId
        $states[0].OtherState | Should -Not -Be 'COMPLETED'
        $states[1].JobId | Should -Be $running.JobId
    }
}

Describe '-Wait -Timeout: one JobWaitTimeout record per running job (regression, issue 8)' {
    BeforeAll { $script:sb = Start-DrSandbox -JobDuration 60 -SeedPath $script:seedPath }
    AfterAll { Stop-DrSandbox }

    It 'Start-DrBackup -Wait -Timeout writes a JobWaitTimeout record carrying each of 4 jobs' {
        $errs = $null
        $out = Start-DrBackup -ResourceArn $script:arns[0..3] -Wait -Timeout 1 -ErrorAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 4
        foreach ($e in $errs) {
            $e.FullyQualifiedErrorId | Should -Be 'JobWaitTimeout,BackupDr.Commands.StartDrBackupCommand'
            $e.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $e.TargetObject.GetType().Name | Should -Be 'BackupJob'
            $e.TargetObject.State | Should -Not -Be 'COMPLETED'
        }
        @($errs | ForEach-Object { $_.TargetObject.ResourceArn } | Sort-Object -Unique).Count | Should -Be 4
        # The records carry the jobs, so the wait can be resumed from them.
        ($errs | ForEach-Object { $_.TargetObject } | Wait-DrJob -Timeout 1 -ErrorAction SilentlyContinue -ErrorVariable again).Count | Should -Be 0
        $again.Count | Should -Be 4
    }

    It 'Restore-DrResource -Wait -Timeout writes a JobWaitTimeout record carrying the job' {
        $errs = $null
        $out = Restore-DrResource -RecoveryPointArn $script:pointArns[0] -Wait -Timeout 1 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'JobWaitTimeout,BackupDr.Commands.RestoreDrResourceCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $errs[0].TargetObject.GetType().Name | Should -Be 'RestoreJob'
    }

    It 'Copy-DrRecoveryPoint -Wait -Timeout writes a JobWaitTimeout record carrying the job' {
        $errs = $null
        $out = Copy-DrRecoveryPoint -RecoveryPointArn $script:pointArns[1] -DestinationRegion us-west-2 -Wait -Timeout 1 -ErrorAction SilentlyContinue -ErrorVariable errs
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'JobWaitTimeout,BackupDr.Commands.CopyDrRecoveryPointCommand'
        $errs[0].TargetObject.GetType().Name | Should -Be 'CopyJob'
    }

    It 'Wait-DrJob -Timeout gives the same record' {
        $job = Start-DrBackup -ResourceArn $script:arns[5]
        $errs = $null
        $null = $job | Wait-DrJob -Timeout 1 -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs[0].FullyQualifiedErrorId | Should -Be 'JobWaitTimeout,BackupDr.Commands.WaitDrJobCommand'
        $errs[0].TargetObject.JobId | Should -Be $job.JobId
    }
}

Describe 'A zero or negative -Timeout accepted after the job was started (regression, issue 8)' {
    BeforeAll { $script:sb = Start-DrSandbox -JobDuration 0 -SeedPath $script:seedPath }
    AfterAll { Stop-DrSandbox }

    It '<Name> -Timeout <Timeout> is refused at binding and sends nothing' -ForEach @(
        @{ Name = 'Start-DrBackup'; Timeout = 0; Call = { param($t) Start-DrBackup -ResourceArn $script:arns[0] -Wait -Timeout $t } }
        @{ Name = 'Start-DrBackup'; Timeout = -5; Call = { param($t) Start-DrBackup -ResourceArn $script:arns[0] -Wait -Timeout $t } }
        @{ Name = 'Restore-DrResource'; Timeout = 0; Call = { param($t) Restore-DrResource -RecoveryPointArn $script:pointArns[0] -Wait -Timeout $t -Confirm:$false } }
        @{ Name = 'Copy-DrRecoveryPoint'; Timeout = '00:00:00'; Call = { param($t) Copy-DrRecoveryPoint -RecoveryPointArn $script:pointArns[0] -DestinationRegion us-west-2 -Wait -Timeout $t } }
        @{ Name = 'Wait-DrJob'; Timeout = 0; Call = { param($t) Wait-DrJob -JobId 'b-1' -Timeout $t } }
    ) {
        $script:sb.ClearRequestLog()
        $err = $null
        try { $null = & $Call $Timeout } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $err.Exception.Message | Should -Match 'Timeout'
        $script:sb.Requests.Count | Should -Be 0
        # Positive control: a positive timeout does send.
        if ($Name -eq 'Start-DrBackup') {
            $null = Start-DrBackup -ResourceArn $script:arns[0] -Wait -Timeout 10
            $script:sb.Requests.Count | Should -BeGreaterThan 0
        }
    }
}

Describe 'Ctrl+C shows the started jobs and closes progress (regression, issue 8)' {
    BeforeAll {
        $script:sb = Start-DrSandbox -JobDuration 60 -SeedPath $script:seedPath
        # Waits until the sandbox has seen the first polls of a wait (so the jobs are started and the wait runs).
        function Wait-ForPolls([int] $Count) {
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while (@($script:sb.Requests | Where-Object { $_.Operation -like 'List*Jobs' -or $_.Operation -eq 'DescribeBackupJob' }).Count -lt $Count -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 100
            }
            Start-Sleep -Milliseconds 300
        }
    }
    AfterAll { Stop-DrSandbox }
    BeforeEach { $script:sb.Reset() }

    It 'a real Ctrl+C (SIGINT) on Start-DrBackup -Wait warns with every started job id and how to wait again' -Skip:($IsWindows) {
        $module = (Resolve-Path (Get-BackupDrModulePath)).Path
        $arnList = ($script:arns[0..2] | ForEach-Object { "'$_'" }) -join ','
        # A terminal gives the child SIGINT at its default; a test run started in the background (nohup, `cmd &`,
        # a CI runner) ignores it, children inherit that, and .NET then never sees Ctrl+C. So the child starts
        # through env --default-signal=INT (coreutils), and the test checks it took (SigintIgnoredInCi regression).
        $psi = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        if ($IsLinux) {
            $psi.FileName = 'env'
            foreach ($a in '--default-signal=INT', [Environment]::ProcessPath) { $psi.ArgumentList.Add($a) }
        }
        if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$module'; Start-DrBackup -ResourceArn $arnList -Wait") { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.RedirectStandardInput = $true
        $psi.Environment['AWS_ENDPOINT_URL'] = $script:sb.EndpointUrl
        $psi.Environment['AWS_ACCESS_KEY_ID'] = $script:sb.AccessKey
        $psi.Environment['AWS_SECRET_ACCESS_KEY'] = 'sandbox'
        $psi.Environment['AWS_REGION'] = 'us-east-1'
        $psi.Environment['AWS_EC2_METADATA_DISABLED'] = 'true'
        $p = [System.Diagnostics.Process]::Start($psi)
        try {
            $stdout = $p.StandardOutput.ReadToEndAsync()
            $null = $p.StandardError.ReadToEndAsync()
            Wait-ForPolls 4
            $p.HasExited | Should -BeFalse
            # SigIgn is a hex mask with bit 1 for SIGINT (signal 2).
            if ($IsLinux) {
                $ignored = [Convert]::ToUInt64(((Get-Content "/proc/$($p.Id)/status") -match '^SigIgn:' -replace '^SigIgn:\s*'), 16)
                ($ignored -band 2) | Should -Be 0 -Because 'the child must see SIGINT as a terminal delivers it'
            }
            kill -INT $p.Id
            $p.WaitForExit(15000) | Should -BeTrue
            $text = $stdout.Result
        }
        finally {
            if (-not $p.HasExited) { $p.Kill() }
            $p.Dispose()
        }

        $started = @(Get-DrBackupJob | ForEach-Object { $_.JobId })
        $started.Count | Should -Be 3
        $text | Should -Match 'WARNING: Stopped: 3 job\(s\) keep running'
        foreach ($id in $started) { $text | Should -Match ([regex]::Escape($id)) }
        $text | Should -Match 'Wait-DrJob -JobType Backup -Region us-east-1 -JobId'
    }

    It 'a stopped Start-DrBackup -Wait warns through the host and completes every progress record it opened' {
        # Once stopping, PowerShell refuses stream writes; the cmdlet then talks to the host, which this one records.
        if (-not ('BackupDrRecordingHost' -as [type])) {
            Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

public sealed class BackupDrRecordingHost : PSHost
{
    private readonly BackupDrRecordingUI _ui = new BackupDrRecordingUI();
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override string Name => "BackupDrRecordingHost";
    public override PSHostUserInterface UI => _ui;
    public BackupDrRecordingUI Recorded => _ui;
    public override Version Version => new Version(1, 0);
    public override void EnterNestedPrompt() { }
    public override void ExitNestedPrompt() { }
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
    public override void SetShouldExit(int exitCode) { }
}

public sealed class BackupDrRecordingUI : PSHostUserInterface
{
    public List<string> Warnings { get; } = new List<string>();
    public List<ProgressRecord> Progress { get; } = new List<ProgressRecord>();
    public override PSHostRawUserInterface RawUI => null;
    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => throw new NotImplementedException();
    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) => throw new NotImplementedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotImplementedException();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotImplementedException();
    public override string ReadLine() => throw new NotImplementedException();
    public override SecureString ReadLineAsSecureString() => throw new NotImplementedException();
    public override void Write(string value) { }
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
    public override void WriteDebugLine(string message) { }
    public override void WriteErrorLine(string value) { }
    public override void WriteLine(string value) { }
    public override void WriteProgress(long sourceId, ProgressRecord record) { lock (Progress) { Progress.Add(record); } }
    public override void WriteVerboseLine(string message) { }
    public override void WriteWarningLine(string message) { lock (Warnings) { Warnings.Add(message); } }
}
'@
        }
        $recordingHost = [BackupDrRecordingHost]::new()
        $runspace = [runspacefactory]::CreateRunspace($recordingHost)
        $runspace.Open()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        # A new runspace has its own (empty) session defaults: point it at this sandbox explicitly.
        $null = $ps.AddScript('param($m, $arns, $ep, $ak) Import-Module $m; $ProgressPreference = "Continue"; Set-DrDefault -Region us-east-1 -EndpointUrl $ep -AccessKey $ak -SecretKey sandbox; Start-DrBackup -ResourceArn $arns -Wait').AddArgument((Get-BackupDrModulePath)).AddArgument([string[]]$script:arns[0..2]).AddArgument($script:sb.EndpointUrl).AddArgument($script:sb.AccessKey)
        $async = $ps.BeginInvoke()
        Wait-ForPolls 4
        $async.IsCompleted | Should -BeFalse
        $ps.Stop()
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'

        $started = @(Get-DrBackupJob | ForEach-Object { $_.JobId })
        $started.Count | Should -Be 3
        $warning = $recordingHost.Recorded.Warnings -join "`n"
        foreach ($id in $started) { $warning | Should -Match ([regex]::Escape($id)) }

        # Every record the wait wrote (to the stream while running, to the host after the stop) ends Completed.
        $progress = @($ps.Streams.Progress) + @($recordingHost.Recorded.Progress)
        @($progress | Group-Object ActivityId).Count | Should -Be 4   # one summary line and one per job
        foreach ($g in ($progress | Group-Object ActivityId)) {
            $g.Group[-1].RecordType | Should -Be 'Completed'
        }
        $ps.Dispose()
        $runspace.Dispose()
    }
}

Describe 'A FAILED job has its own error id (not a validation error)' {
    BeforeAll { $script:sb = Start-DrSandbox -JobDuration 0.5 -FailureRate 1 -SeedPath $script:seedPath }
    AfterAll { Stop-DrSandbox }

    It 'Start-DrBackup -Wait: BackupJobFailed, category InvalidResult, carrying the job' {
        $errs = $null
        $out = Start-DrBackup -ResourceArn $script:arns[0] -Wait -ErrorAction SilentlyContinue -ErrorVariable errs
        $out.State | Should -Be 'FAILED'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'BackupJobFailed,BackupDr.Commands.StartDrBackupCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $errs[0].Exception.GetType().Name | Should -Be 'DrJobFailedException'
        $errs[0].TargetObject.JobId | Should -Be $out.JobId
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Aws;
using BackupDr.Core.Model;

namespace BackupDr.Core.Operations
{
    /// <summary>-AccountId and -AccountRole, checked before anything is sent.</summary>
    public static class AccountScope
    {
        /// <summary>ListBackupJobs ByAccountId's value for every account of the organization.</summary>
        public const string AllAccounts = "*";

        private static readonly Regex AccountIdPattern = new Regex("^[0-9]{12}$", RegexOptions.CultureInvariant);

        // IAM role names: 1-64 of letters, digits and +=,.@_- (a path may come before the name).
        private static readonly Regex RoleNamePattern = new Regex(@"^(/[\w+=,.@-]+)*/?[\w+=,.@-]{1,64}$", RegexOptions.CultureInvariant);

        public static bool IsAccountId(string? value) => value != null && AccountIdPattern.IsMatch(value);

        /// <summary>
        /// '*' alone, or distinct 12-digit account ids; anything else is InvalidAccountId naming the value. Returns the ids
        /// in the order given, duplicates dropped.
        /// </summary>
        public static IReadOnlyList<string> ValidateAccountIds(IEnumerable<string?>? values, string parameterName = "AccountId")
        {
            var list = (values ?? Array.Empty<string?>()).Select(v => v?.Trim()).ToList();
            if (list.Count == 0)
            {
                throw new DrValidationException("InvalidAccountId", parameterName, null, $"-{parameterName} needs '*' (every account of the organization) or one or more 12-digit account ids. Nothing was sent.");
            }

            foreach (var v in list)
            {
                if (v == AllAccounts)
                {
                    if (list.Count > 1)
                    {
                        throw new DrValidationException("InvalidAccountId", parameterName, string.Join(",", list), $"-{parameterName} '*' means every account of the organization and stands alone; give either '*' or account ids. Nothing was sent.");
                    }

                    continue;
                }

                if (!IsAccountId(v))
                {
                    throw new DrValidationException("InvalidAccountId", parameterName, v, $"-{parameterName} '{v}' is not an AWS account id: an account id is 12 digits (for example 111122223333), or '*' for every account of the organization. Nothing was sent.");
                }
            }

            return list.Distinct(StringComparer.Ordinal).ToList()!;
        }

        /// <summary>A role name (optionally with a path), never an ARN: the ARN is built per account.</summary>
        public static string ValidateRoleName(string? role, IReadOnlyList<string> accountIds, string parameterName = "AccountRole")
        {
            var value = role?.Trim() ?? string.Empty;
            if (value.StartsWith("arn:", StringComparison.OrdinalIgnoreCase) || !RoleNamePattern.IsMatch(value))
            {
                throw new DrValidationException("InvalidAccountRole", parameterName, role, $"-{parameterName} '{role}' is not an IAM role name: give the name only (for example BackupDrAuditRole); BackupDr assumes arn:<partition>:iam::<account>:role/<name> in each -AccountId. Nothing was sent.");
            }

            if (accountIds.Contains(AllAccounts))
            {
                throw new DrValidationException("AccountRoleNeedsAccountIds", parameterName, role, $"-{parameterName} assumes a role in each account named by -AccountId; '*' names no accounts. Give the 12-digit account ids (or use -AccountId '*' without -{parameterName} from the management account). Nothing was sent.");
            }

            return value;
        }

        public static string RoleArn(string partition, string accountId, string roleName) =>
            $"arn:{partition}:iam::{accountId}:role/{roleName.TrimStart('/')}";
    }

    /// <summary>Get-DrBackupReport across accounts: the per-region report options plus who to report on.</summary>
    public sealed class AccountReportOptions
    {
        /// <summary>The report itself (window, regions, vault); every account x region unit runs it.</summary>
        public BackupReportOptions Report { get; set; } = new BackupReportOptions();

        /// <summary>'*' (the organization, from its management or delegated administrator account) or 12-digit account ids.</summary>
        public IList<string> AccountIds { get; set; } = new List<string>();

        /// <summary>A role name to assume in each account (accounts outside one organization); null reads through ByAccountId.</summary>
        public string? AccountRole { get; set; }

        /// <summary>Account x region units read at the same time.</summary>
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>The RoleSessionName of each AssumeRole (CloudTrail shows it).</summary>
        public string RoleSessionName { get; set; } = "BackupDr-Report";
    }

    /// <summary>
    /// Get-DrBackupReport -AccountId: a layer around <see cref="BackupReportBuilder"/>. Each account x region is a unit of
    /// bounded parallel work that runs the ordinary one-region report, through ListBackupJobs ByAccountId ('*' or a
    /// member's id, from the management account) or through a role assumed in the account (STS AssumeRole); the unit
    /// reports are merged into one, with a per-account breakdown. A failing unit is a RegionError naming its account
    /// and region while the other units go on.
    /// </summary>
    public sealed class AccountReportFanOut
    {
        private readonly Func<string, IBackupApi> _apiForRegion;
        private readonly IStsApi? _sts;
        private readonly Func<AssumedRoleCredentials, Func<string, IBackupApi>>? _apiForRole;
        private readonly string _partition;
        private readonly IAwsClock? _clock;

        /// <param name="apiForRegion">Backup clients of the caller's account, per region.</param>
        /// <param name="sts">STS of the caller, for AssumeRole (needed with AccountRole only).</param>
        /// <param name="apiForRole">Backup clients per region for an assumed role's credentials (needed with AccountRole only).</param>
        /// <param name="partition">The caller's partition (aws, aws-cn, aws-us-gov), for the role ARNs.</param>
        /// <param name="clock">The report's clock (tests inject one).</param>
        public AccountReportFanOut(Func<string, IBackupApi> apiForRegion, IStsApi? sts, Func<AssumedRoleCredentials, Func<string, IBackupApi>>? apiForRole, string partition = "aws", IAwsClock? clock = null)
        {
            _apiForRegion = apiForRegion ?? throw new ArgumentNullException(nameof(apiForRegion));
            _sts = sts;
            _apiForRole = apiForRole;
            _partition = partition;
            _clock = clock;
        }

        /// <summary>Clients from one client set: the caller's per region, and the same endpoint rules for assumed roles.</summary>
        public static AccountReportFanOut For(AwsClientSet clients)
        {
            return new AccountReportFanOut(
                region => clients.ForRegion(region).Backup,
                clients.Sts,
                role =>
                {
                    var set = clients.ForContext(clients.Context.WithAssumedRole(role));
                    return region => set.ForRegion(region).Backup;
                },
                clients.Context.Partition);
        }

        /// <summary>Checks everything before the first call, then runs the units with at most ThrottleLimit at a time.</summary>
        public async Task<BackupReport> BuildAsync(AccountReportOptions options, IProgress<int>? unitsDone, CancellationToken cancellationToken)
        {
            if (options == null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            var accounts = AccountScope.ValidateAccountIds(options.AccountIds);
            var role = options.AccountRole == null ? null : AccountScope.ValidateRoleName(options.AccountRole, accounts);
            BoundedParallel.ValidateLimit(options.ThrottleLimit);

            var report = options.Report ?? throw new ArgumentException("Report options are required.", nameof(options));
            var regions = report.Regions.Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal).ToList();
            if (regions.Count == 0)
            {
                throw new DrValidationException("RegionRequired", "Region", null, "Give at least one -Region to report on.");
            }

            var now = (_clock ?? SystemClock.Instance).UtcNow;
            SinceParser.EnsureNotInFuture(report.Since ?? now - BackupReportBuilder.DefaultWindow, now);
            if (role != null && (_sts == null || _apiForRole == null))
            {
                throw new InvalidOperationException("AccountRole needs STS and a client factory for assumed roles.");
            }

            var assumed = new Dictionary<string, Lazy<Task<Func<string, IBackupApi>>>>(StringComparer.Ordinal);
            if (role != null)
            {
                foreach (var account in accounts)
                {
                    var roleArn = AccountScope.RoleArn(_partition, account, role);
                    assumed[account] = new Lazy<Task<Func<string, IBackupApi>>>(async () =>
                    {
                        var credentials = await _sts!.AssumeRoleAsync(roleArn, options.RoleSessionName, null, cancellationToken).ConfigureAwait(false);
                        return _apiForRole!(credentials);
                    }, LazyThreadSafetyMode.ExecutionAndPublication);
                }
            }

            var units = (from account in accounts from region in regions select new Unit(account, region)).ToList();
            var tally = new AccountTally();
            var done = 0;
            var outcomes = BoundedParallel.RunAsync(units, options.ThrottleLimit, async (unit, ct) =>
            {
                // A unit records its own failure (RegionError) and the others go on; only cancellation ends the run.
                await RunUnitAsync(unit, report, role != null ? assumed[unit.Account] : null, tally, ct).ConfigureAwait(false);
                return unit;
            }, cancellationToken);
            await foreach (var outcome in outcomes.ConfigureAwait(false))
            {
                if (outcome.Error != null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(outcome.Error).Throw();
                }

                unitsDone?.Report(++done);
            }

            return Merge(units, report, regions, tally);
        }

        private async Task RunUnitAsync(Unit unit, BackupReportOptions report, Lazy<Task<Func<string, IBackupApi>>>? assumed, AccountTally tally, CancellationToken cancellationToken)
        {
            try
            {
                IBackupApi api;
                if (assumed != null)
                {
                    // The role's own jobs: no ByAccountId needed (or allowed: the role's account is no administrator).
                    api = new AccountScopedBackupApi((await assumed.Value.ConfigureAwait(false))(unit.Region), null, tally, unit.Account);
                }
                else
                {
                    api = new AccountScopedBackupApi(_apiForRegion(unit.Region), unit.Account, tally, unit.Account == AccountScope.AllAccounts ? null : unit.Account);
                }

                var one = new BackupReportOptions { Since = report.Since, Regions = new List<string> { unit.Region }, BackupVaultName = report.BackupVaultName, MaxFailedJobs = report.MaxFailedJobs };
                unit.Report = await new BackupReportBuilder(_ => api, _clock).BuildAsync(one, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (DrException ex) when (ex.ErrorId == "BackupVaultNotFound")
            {
                unit.VaultMissing = true;
            }
            catch (Exception ex)
            {
                unit.Error = new RegionError
                {
                    Region = unit.Region,
                    AccountId = unit.Account == AccountScope.AllAccounts ? null : unit.Account,
                    ErrorId = ex is AwsServiceException aws ? aws.ErrorCode : ex is DrException dr ? dr.ErrorId : ex.GetType().Name,
                    Kind = ex is AwsServiceException a2 ? DrErrors.KindOf(a2) : ex is DrException d2 ? d2.Kind : DrErrorKind.InvalidOperation,
                    Message = ex.Message,
                    Exception = ex,
                };
            }
        }

        private static BackupReport Merge(IReadOnlyList<Unit> units, BackupReportOptions options, IReadOnlyList<string> regions, AccountTally tally)
        {
            var reports = units.Where(u => u.Report != null).Select(u => u.Report!).ToList();
            var errors = new List<RegionError>();
            foreach (var u in units)
            {
                if (u.Error != null)
                {
                    errors.Add(u.Error);
                }

                foreach (var e in u.Report?.RegionErrors ?? Array.Empty<RegionError>())
                {
                    e.AccountId ??= u.Account == AccountScope.AllAccounts ? null : u.Account;
                    errors.Add(e);
                }
            }

            var warnings = new List<string>();
            if (options.BackupVaultName != null)
            {
                var missing = units.Where(u => u.VaultMissing).ToList();
                if (missing.Count == units.Count)
                {
                    throw BackupVaultCheck.NotFound(options.BackupVaultName, regions);
                }

                warnings.AddRange(missing.Select(u => u.Account == AccountScope.AllAccounts
                    ? BackupVaultCheck.MissingInRegionWarning(options.BackupVaultName, u.Region)
                    : $"Account {u.Account}: " + BackupVaultCheck.MissingInRegionWarning(options.BackupVaultName, u.Region)));
            }

            warnings.InsertRange(0, reports.SelectMany(r => r.Warnings).Where(w => !w.StartsWith("Some regions could not be listed", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal));
            if (errors.Count > 0)
            {
                warnings.Add($"{errors.Count} account/region unit(s) could not be read completely ({string.Join(", ", errors.Select(e => (e.AccountId ?? "*") + "/" + e.Region))}); the totals are a lower bound. See RegionErrors.");
            }

            var byState = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var perDay = new SortedDictionary<DateTime, IReadOnlyDictionary<string, long>>();
            var resources = new Dictionary<string, ResourceBackupSummary>(StringComparer.Ordinal);
            var failed = new List<FailedBackupJob>();
            long failedNotListed = 0, total = 0, withIssues = 0, bytes = 0;
            foreach (var r in reports)
            {
                total += r.TotalJobs;
                withIssues += r.CompletedWithIssues;
                bytes += r.BytesBackedUp;
                failedNotListed += r.FailedJobsNotListed;
                foreach (var kv in r.TotalsByState)
                {
                    byState[kv.Key] = (byState.TryGetValue(kv.Key, out var n) ? n : 0) + kv.Value;
                }

                foreach (var day in r.JobsPerDay)
                {
                    var states = perDay.TryGetValue(day.Key, out var existing) ? new Dictionary<string, long>((IDictionary<string, long>)existing, StringComparer.Ordinal) : new Dictionary<string, long>(StringComparer.Ordinal);
                    foreach (var kv in day.Value)
                    {
                        states[kv.Key] = (states.TryGetValue(kv.Key, out var n) ? n : 0) + kv.Value;
                    }

                    perDay[day.Key] = states;
                }

                foreach (var f in r.FailedJobs)
                {
                    f.AccountId ??= Arn.TryParse(f.ResourceArn, out var arn) && arn!.AccountId.Length > 0 ? arn.AccountId : null;
                    if (failed.Count < options.MaxFailedJobs)
                    {
                        failed.Add(f);
                    }
                    else
                    {
                        failedNotListed++;
                    }
                }

                foreach (var res in r.Resources)
                {
                    if (resources.TryGetValue(res.ResourceArn, out var mine))
                    {
                        mine.JobCount += res.JobCount;
                        mine.FailedCount += res.FailedCount;
                        if (res.LastSuccessfulBackup > (mine.LastSuccessfulBackup ?? DateTime.MinValue))
                        {
                            mine.LastSuccessfulBackup = res.LastSuccessfulBackup;
                            mine.Age = res.Age;
                        }
                    }
                    else
                    {
                        resources[res.ResourceArn] = res;
                    }
                }
            }

            var completed = byState.TryGetValue(JobStates.Completed, out var c) ? c : 0;
            var finished = byState.Where(kv => JobStates.IsTerminal(kv.Key)).Sum(kv => kv.Value);
            var first = reports.FirstOrDefault();
            var now = first?.GeneratedAt ?? DateTime.UtcNow;
            return new BackupReport
            {
                Since = first?.Since ?? options.Since ?? now - BackupReportBuilder.DefaultWindow,
                GeneratedAt = now,
                BackupVaultName = options.BackupVaultName,
                Regions = regions,
                TotalJobs = total,
                TotalsByState = byState,
                CompletedWithIssues = withIssues,
                SuccessRate = finished == 0 ? (double?)null : (double)completed / finished,
                BytesBackedUp = bytes,
                FailedJobs = failed,
                FailedJobsNotListed = failedNotListed,
                Resources = resources.Values.OrderBy(r => r.LastSuccessfulBackup ?? DateTime.MinValue).ThenBy(r => r.ResourceArn, StringComparer.Ordinal).ToList(),
                JobsPerDay = perDay,
                RegionErrors = errors,
                Warnings = warnings,
                Accounts = tally.Summaries(units, errors),
            };
        }

        private sealed class Unit
        {
            public Unit(string account, string region)
            {
                Account = account;
                Region = region;
            }

            public string Account { get; }
            public string Region { get; }
            public BackupReport? Report { get; set; }
            public RegionError? Error { get; set; }
            public bool VaultMissing { get; set; }
        }

        /// <summary>Per-account running totals, fed by every unit's job stream (thread-safe: pages may arrive concurrently).</summary>
        private sealed class AccountTally
        {
            private readonly Dictionary<string, Counts> _accounts = new Dictionary<string, Counts>(StringComparer.Ordinal);

            public void Add(BackupJob job, string? fallbackAccount, string region)
            {
                var account = job.AccountId ?? fallbackAccount ?? "unknown";
                lock (_accounts)
                {
                    if (!_accounts.TryGetValue(account, out var counts))
                    {
                        _accounts[account] = counts = new Counts();
                    }

                    counts.Regions.Add(region);
                    counts.Total++;
                    var state = string.IsNullOrEmpty(job.State) ? "UNKNOWN" : job.State;
                    counts.ByState[state] = (counts.ByState.TryGetValue(state, out var n) ? n : 0) + 1;
                    if (job.Succeeded)
                    {
                        counts.Completed++;
                        counts.Bytes += job.BackupSizeInBytes ?? 0;
                        if (job.CompletedWithIssues)
                        {
                            counts.WithIssues++;
                        }
                    }
                    else if (job.IsTerminal)
                    {
                        counts.Failed++;
                    }
                }
            }

            public IReadOnlyList<AccountBackupSummary> Summaries(IReadOnlyList<Unit> units, IReadOnlyList<RegionError> errors)
            {
                lock (_accounts)
                {
                    // Named accounts appear even with no jobs (or when they failed); with '*' the accounts are those that have jobs.
                    foreach (var u in units.Where(u => u.Account != AccountScope.AllAccounts))
                    {
                        if (!_accounts.TryGetValue(u.Account, out var counts))
                        {
                            _accounts[u.Account] = counts = new Counts();
                        }

                        counts.Regions.Add(u.Region);
                    }

                    return _accounts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
                    {
                        var finished = kv.Value.Completed + kv.Value.Failed;
                        return new AccountBackupSummary
                        {
                            AccountId = kv.Key,
                            Regions = kv.Value.Regions.ToList(),
                            TotalJobs = kv.Value.Total,
                            TotalsByState = new SortedDictionary<string, long>(kv.Value.ByState, StringComparer.Ordinal),
                            Completed = kv.Value.Completed,
                            CompletedWithIssues = kv.Value.WithIssues,
                            Failed = kv.Value.Failed,
                            SuccessRate = finished == 0 ? (double?)null : (double)kv.Value.Completed / finished,
                            BytesBackedUp = kv.Value.Bytes,
                            FailedRegions = errors.Where(e => e.AccountId == kv.Key || e.AccountId == null).Select(e => e.Region).Distinct(StringComparer.Ordinal).ToList(),
                        };
                    }).ToList();
                }
            }

            private sealed class Counts
            {
                public readonly SortedSet<string> Regions = new SortedSet<string>(StringComparer.Ordinal);
                public readonly Dictionary<string, long> ByState = new Dictionary<string, long>(StringComparer.Ordinal);
                public long Total;
                public long Completed;
                public long WithIssues;
                public long Failed;
                public long Bytes;
            }
        }

        /// <summary>
        /// The unit's Backup client: every ListBackupJobs it is asked for carries the unit's ByAccountId, and every job
        /// it streams is counted for its account. Everything else passes through.
        /// </summary>
        private sealed class AccountScopedBackupApi : IBackupApi
        {
            private readonly IBackupApi _inner;
            private readonly string? _byAccountId;
            private readonly AccountTally _tally;
            private readonly string? _account;

            public AccountScopedBackupApi(IBackupApi inner, string? byAccountId, AccountTally tally, string? account)
            {
                _inner = inner;
                _byAccountId = byAccountId;
                _tally = tally;
                _account = account;
            }

            public AwsContext Context => _inner.Context;

            public IAsyncEnumerable<BackupJob> ListBackupJobsAsync(BackupJobFilter filter, CancellationToken cancellationToken)
            {
                filter ??= new BackupJobFilter();
                if (_byAccountId != null)
                {
                    filter.AccountId = _byAccountId;
                }

                return Counted(_inner.ListBackupJobsAsync(filter, cancellationToken), cancellationToken);
            }

            private async IAsyncEnumerable<BackupJob> Counted(IAsyncEnumerable<BackupJob> jobs, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
            {
                await foreach (var job in jobs.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    _tally.Add(job, _account, string.IsNullOrEmpty(job.Region) ? Context.Region : job.Region);
                    yield return job;
                }
            }

            public Task<BackupJob> StartBackupJobAsync(StartBackupJobRequest request, CancellationToken cancellationToken) => _inner.StartBackupJobAsync(request, cancellationToken);
            public Task<BackupJob> DescribeBackupJobAsync(string backupJobId, CancellationToken cancellationToken) => _inner.DescribeBackupJobAsync(backupJobId, cancellationToken);
            public Task StopBackupJobAsync(string backupJobId, CancellationToken cancellationToken) => _inner.StopBackupJobAsync(backupJobId, cancellationToken);
            public IAsyncEnumerable<RecoveryPoint> ListRecoveryPointsByBackupVaultAsync(string backupVaultName, RecoveryPointFilter filter, CancellationToken cancellationToken) => _inner.ListRecoveryPointsByBackupVaultAsync(backupVaultName, filter, cancellationToken);
            public IAsyncEnumerable<RecoveryPoint> ListRecoveryPointsByResourceAsync(string resourceArn, CancellationToken cancellationToken) => _inner.ListRecoveryPointsByResourceAsync(resourceArn, cancellationToken);
            public Task<RecoveryPoint> DescribeRecoveryPointAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken) => _inner.DescribeRecoveryPointAsync(backupVaultName, recoveryPointArn, cancellationToken);
            public Task<RestoreMetadata> GetRecoveryPointRestoreMetadataAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken) => _inner.GetRecoveryPointRestoreMetadataAsync(backupVaultName, recoveryPointArn, cancellationToken);
            public Task DeleteRecoveryPointAsync(string backupVaultName, string recoveryPointArn, CancellationToken cancellationToken) => _inner.DeleteRecoveryPointAsync(backupVaultName, recoveryPointArn, cancellationToken);
            public Task<RestoreJob> StartRestoreJobAsync(StartRestoreJobRequest request, CancellationToken cancellationToken) => _inner.StartRestoreJobAsync(request, cancellationToken);
            public Task<RestoreJob> DescribeRestoreJobAsync(string restoreJobId, CancellationToken cancellationToken) => _inner.DescribeRestoreJobAsync(restoreJobId, cancellationToken);
            public IAsyncEnumerable<RestoreJob> ListRestoreJobsAsync(JobListFilter filter, CancellationToken cancellationToken) => _inner.ListRestoreJobsAsync(filter, cancellationToken);
            public Task<CopyJob> StartCopyJobAsync(StartCopyJobRequest request, CancellationToken cancellationToken) => _inner.StartCopyJobAsync(request, cancellationToken);
            public Task<CopyJob> DescribeCopyJobAsync(string copyJobId, CancellationToken cancellationToken) => _inner.DescribeCopyJobAsync(copyJobId, cancellationToken);
            public IAsyncEnumerable<CopyJob> ListCopyJobsAsync(JobListFilter filter, CancellationToken cancellationToken) => _inner.ListCopyJobsAsync(filter, cancellationToken);
            public Task<BackupVault> CreateBackupVaultAsync(string backupVaultName, IDictionary<string, string>? tags, string? encryptionKeyArn, string? creatorRequestId, CancellationToken cancellationToken) => _inner.CreateBackupVaultAsync(backupVaultName, tags, encryptionKeyArn, creatorRequestId, cancellationToken);
            public Task<BackupVault> DescribeBackupVaultAsync(string backupVaultName, CancellationToken cancellationToken) => _inner.DescribeBackupVaultAsync(backupVaultName, cancellationToken);
            public IAsyncEnumerable<BackupVault> ListBackupVaultsAsync(CancellationToken cancellationToken) => _inner.ListBackupVaultsAsync(cancellationToken);
            public Task<BackupPlan> CreateBackupPlanAsync(BackupPlan plan, IDictionary<string, string>? tags, string? creatorRequestId, CancellationToken cancellationToken) => _inner.CreateBackupPlanAsync(plan, tags, creatorRequestId, cancellationToken);
            public Task<BackupPlan> GetBackupPlanAsync(string backupPlanId, string? versionId, CancellationToken cancellationToken) => _inner.GetBackupPlanAsync(backupPlanId, versionId, cancellationToken);
            public Task<BackupPlan> UpdateBackupPlanAsync(string backupPlanId, BackupPlan plan, CancellationToken cancellationToken) => _inner.UpdateBackupPlanAsync(backupPlanId, plan, cancellationToken);
            public IAsyncEnumerable<BackupPlan> ListBackupPlansAsync(CancellationToken cancellationToken) => _inner.ListBackupPlansAsync(cancellationToken);
            public Task<BackupSelection> CreateBackupSelectionAsync(BackupSelection selection, string? creatorRequestId, CancellationToken cancellationToken) => _inner.CreateBackupSelectionAsync(selection, creatorRequestId, cancellationToken);
            public IAsyncEnumerable<BackupSelection> ListBackupSelectionsAsync(string backupPlanId, CancellationToken cancellationToken) => _inner.ListBackupSelectionsAsync(backupPlanId, cancellationToken);
            public Task<BackupSelection> GetBackupSelectionAsync(string backupPlanId, string selectionId, CancellationToken cancellationToken) => _inner.GetBackupSelectionAsync(backupPlanId, selectionId, cancellationToken);
            public IAsyncEnumerable<ProtectedResource> ListProtectedResourcesAsync(CancellationToken cancellationToken) => _inner.ListProtectedResourcesAsync(cancellationToken);
            public Task TagResourceAsync(string resourceArn, IDictionary<string, string> tags, CancellationToken cancellationToken) => _inner.TagResourceAsync(resourceArn, tags, cancellationToken);
            public Task<IReadOnlyDictionary<string, string>> ListTagsAsync(string resourceArn, CancellationToken cancellationToken) => _inner.ListTagsAsync(resourceArn, cancellationToken);
            public IAsyncEnumerable<BackupJobSummary> ListBackupJobSummariesAsync(BackupJobSummaryFilter filter, CancellationToken cancellationToken) => _inner.ListBackupJobSummariesAsync(filter, cancellationToken);
        }
    }
}

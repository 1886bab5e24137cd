using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using BackupDr.Core.Model;

namespace BackupDr.Core.Aws
{
    /// <summary>The backup plan operations and those on a plan's resource selections.</summary>
    public sealed partial class BackupClient
    {
        // ---------------------------------------------------------------- plans

        public async Task<BackupPlan> CreateBackupPlanAsync(BackupPlan plan, IDictionary<string, string>? tags, string? creatorRequestId, CancellationToken cancellationToken)
        {
            ValidatePlan(plan);
            var body = BackupWire.CreateBackupPlanBody(plan, tags, creatorRequestId);
            var json = await SendAsync(JsonRequest("CreateBackupPlan", HttpMethod.Put, "/backup/plans/", body), cancellationToken).ConfigureAwait(false);
            return BackupWire.ReadSavedBackupPlan(json, plan, null, Context.Region);
        }

        public async Task<BackupPlan> GetBackupPlanAsync(string backupPlanId, string? versionId, CancellationToken cancellationToken)
        {
            Require(backupPlanId, nameof(backupPlanId));
            var request = new AwsRequest(AwsService.Backup, "GetBackupPlan", HttpMethod.Get, "/backup/plans/" + Seg(backupPlanId) + "/")
                .AddQuery("versionId", versionId);
            return BackupWire.ReadBackupPlan(await SendAsync(request, cancellationToken).ConfigureAwait(false), backupPlanId, Context.Region);
        }

        public async Task<BackupPlan> UpdateBackupPlanAsync(string backupPlanId, BackupPlan plan, CancellationToken cancellationToken)
        {
            Require(backupPlanId, nameof(backupPlanId));
            ValidatePlan(plan);
            var body = BackupWire.UpdateBackupPlanBody(plan);
            var json = await SendAsync(JsonRequest("UpdateBackupPlan", HttpMethod.Post, "/backup/plans/" + Seg(backupPlanId), body), cancellationToken).ConfigureAwait(false);
            return BackupWire.ReadSavedBackupPlan(json, plan, backupPlanId, Context.Region);
        }

        public IAsyncEnumerable<BackupPlan> ListBackupPlansAsync(CancellationToken cancellationToken) =>
            PagesAsync("ListBackupPlans", "/backup/plans/", null, null, "BackupPlansList", BackupWire.ReadPlanSummary, cancellationToken);

        // ---------------------------------------------------------------- selections

        public async Task<BackupSelection> CreateBackupSelectionAsync(BackupSelection selection, string? creatorRequestId, CancellationToken cancellationToken)
        {
            if (selection == null)
            {
                throw new ArgumentNullException(nameof(selection));
            }

            Require(selection.BackupPlanId, "BackupPlanId");
            Require(selection.SelectionName, "SelectionName");
            Require(selection.IamRoleArn, "IamRoleArn");

            var body = BackupWire.CreateBackupSelectionBody(selection, creatorRequestId);
            var path = "/backup/plans/" + Seg(selection.BackupPlanId) + "/selections/";
            var json = await SendAsync(JsonRequest("CreateBackupSelection", HttpMethod.Put, path, body), cancellationToken).ConfigureAwait(false);
            return BackupWire.ReadCreatedBackupSelection(json, selection);
        }

        public IAsyncEnumerable<BackupSelection> ListBackupSelectionsAsync(string backupPlanId, CancellationToken cancellationToken)
        {
            Require(backupPlanId, nameof(backupPlanId));
            return PagesAsync(
                "ListBackupSelections",
                "/backup/plans/" + Seg(backupPlanId) + "/selections/",
                null,
                null,
                "BackupSelectionsList",
                (e, _) => BackupWire.ReadBackupSelection(e, backupPlanId),
                cancellationToken);
        }

        public async Task<BackupSelection> GetBackupSelectionAsync(string backupPlanId, string selectionId, CancellationToken cancellationToken)
        {
            Require(backupPlanId, nameof(backupPlanId));
            Require(selectionId, nameof(selectionId));
            var request = new AwsRequest(AwsService.Backup, "GetBackupSelection", HttpMethod.Get, "/backup/plans/" + Seg(backupPlanId) + "/selections/" + Seg(selectionId));
            return BackupWire.ReadBackupSelectionDocument(await SendAsync(request, cancellationToken).ConfigureAwait(false), backupPlanId, selectionId);
        }

        /// <summary>A plan is checked before sending: a name, at least one rule, and a name and vault for each rule.</summary>
        private static void ValidatePlan(BackupPlan plan)
        {
            if (plan == null)
            {
                throw new ArgumentNullException(nameof(plan));
            }

            Require(plan.BackupPlanName, "BackupPlanName");
            if (plan.Rules == null || plan.Rules.Count == 0)
            {
                throw new ArgumentException("A backup plan needs at least one rule.", nameof(plan));
            }

            foreach (var rule in plan.Rules)
            {
                Require(rule.RuleName, "RuleName");
                Require(rule.TargetBackupVaultName, "TargetBackupVaultName");
            }
        }
    }
}

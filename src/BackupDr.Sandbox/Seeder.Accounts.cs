using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox
{
    /// <summary>The seed's top-level "organization" and "roles": several accounts, and the roles STS AssumeRole accepts.</summary>
    internal sealed partial class Seeder
    {
        private Action<World, SeedSummary> ParseAccounts(string member, long line, JsonElement e)
        {
            return member == "organization" ? ParseOrganization(line, e) : ParseRoles(line, e);
        }

        private Action<World, SeedSummary> ParseOrganization(long line, JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                throw Fail(line, "'organization' must be an object with managementAccountId, delegatedAdministratorAccountIds and memberAccountIds.");
            }

            string? management = null;
            var delegated = new List<string>();
            var members = new List<string>();
            foreach (var p in e.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "managementAccountId":
                        management = AccountIdOf(p.Value, line, "organization.managementAccountId");
                        break;
                    case "delegatedAdministratorAccountIds":
                        delegated.AddRange(AccountIdsOf(p.Value, line, "organization.delegatedAdministratorAccountIds"));
                        break;
                    case "memberAccountIds":
                        members.AddRange(AccountIdsOf(p.Value, line, "organization.memberAccountIds"));
                        break;
                    default:
                        throw Fail(line, $"unknown organization member '{p.Name}' (expected managementAccountId, delegatedAdministratorAccountIds, memberAccountIds).");
                }
            }

            if (management == null)
            {
                throw Fail(line, "'organization' needs a 'managementAccountId' (12 digits).");
            }

            return (world, _) => world.Organization.Add(management, delegated, members);
        }

        private Action<World, SeedSummary> ParseRoles(long line, JsonElement e)
        {
            if (e.ValueKind != JsonValueKind.Array)
            {
                throw Fail(line, "'roles' must be an array of { \"accountId\": \"111111111111\", \"name\": \"BackupDrAuditRole\" }.");
            }

            var arns = new List<string>();
            foreach (var r in e.EnumerateArray())
            {
                if (r.ValueKind != JsonValueKind.Object)
                {
                    throw Fail(line, "each entry of 'roles' must be an object.");
                }

                string? account = null, name = null, partition = "aws";
                foreach (var p in r.EnumerateObject())
                {
                    switch (p.Name)
                    {
                        case "accountId": account = AccountIdOf(p.Value, line, "roles[].accountId"); break;
                        case "name": name = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : throw Fail(line, "roles[].name must be a string."); break;
                        case "partition": partition = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Fail(line, "roles[].partition must be a string."); break;
                        default: throw Fail(line, $"unknown role member '{p.Name}' (expected accountId, name, partition).");
                    }
                }

                if (account == null || string.IsNullOrWhiteSpace(name))
                {
                    throw Fail(line, "each role needs 'accountId' and 'name'.");
                }

                arns.Add($"arn:{partition}:iam::{account}:role/{name}");
            }

            return (world, _) =>
            {
                foreach (var arn in arns)
                {
                    world.Organization.Roles.Add(arn);
                }
            };
        }

        private string AccountIdOf(JsonElement v, long line, string what) =>
            v.ValueKind == JsonValueKind.String && Organization.IsAccountId(v.GetString()) ? v.GetString()! : throw Fail(line, $"'{what}' must be a 12-digit string.");

        private IEnumerable<string> AccountIdsOf(JsonElement v, long line, string what) =>
            v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => AccountIdOf(x, line, what)).ToList() : throw Fail(line, $"'{what}' must be an array of 12-digit strings.");
    }
}

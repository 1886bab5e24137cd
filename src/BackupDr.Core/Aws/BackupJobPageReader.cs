using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BackupDr.Core.Model;

namespace BackupDr.Core.Aws
{
    /// <summary>
    /// Reads a ListBackupJobs answer straight from its bytes (Utf8JsonReader, no document): a 1,000,000-job report reads
    /// 640 MB of them. Same result as BackupWire.ReadBackupJob per item: null members are absent, a non-string where a
    /// string belongs keeps its raw JSON text. Strings that repeat from job to job (vault, role, state) are shared.
    /// </summary>
    internal sealed class BackupJobPageReader
    {
        private const int Fields = 26;

        private static readonly byte[][] Names =
        {
            Encoding.UTF8.GetBytes("AccountId"), Encoding.UTF8.GetBytes("BackupJobId"), Encoding.UTF8.GetBytes("BackupVaultName"),
            Encoding.UTF8.GetBytes("BackupVaultArn"), Encoding.UTF8.GetBytes("RecoveryPointArn"), Encoding.UTF8.GetBytes("ResourceArn"),
            Encoding.UTF8.GetBytes("CreationDate"), Encoding.UTF8.GetBytes("CompletionDate"), Encoding.UTF8.GetBytes("State"),
            Encoding.UTF8.GetBytes("StatusMessage"), Encoding.UTF8.GetBytes("PercentDone"), Encoding.UTF8.GetBytes("BackupSizeInBytes"),
            Encoding.UTF8.GetBytes("IamRoleArn"), Encoding.UTF8.GetBytes("ResourceType"), Encoding.UTF8.GetBytes("BytesTransferred"),
            Encoding.UTF8.GetBytes("ExpectedCompletionDate"), Encoding.UTF8.GetBytes("StartBy"), Encoding.UTF8.GetBytes("BackupType"),
            Encoding.UTF8.GetBytes("ParentJobId"), Encoding.UTF8.GetBytes("IsParent"), Encoding.UTF8.GetBytes("ResourceName"),
            Encoding.UTF8.GetBytes("MessageCategory"), Encoding.UTF8.GetBytes("RecoveryPointLifecycle"), Encoding.UTF8.GetBytes("EncryptionKeyArn"),
            Encoding.UTF8.GetBytes("IsEncrypted"), Encoding.UTF8.GetBytes("InitiationDate"),
        };

        private readonly string _region;
        private readonly string?[] _lastText = new string[Fields];

        private BackupJobPageReader(string region)
        {
            _region = region;
        }

        /// <summary>The jobs of one page and its NextToken; a body that is not JSON throws JsonException.</summary>
        public static List<BackupJob> Read(ReadOnlySpan<byte> body, string region, out string? nextToken)
        {
            nextToken = null;
            var jobs = new List<BackupJob>();
            if (body.IsEmpty)
            {
                return jobs;
            }

            var self = new BackupJobPageReader(region);
            var r = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                return jobs;
            }

            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("BackupJobs"u8))
                {
                    r.Read();
                    if (r.TokenType != JsonTokenType.StartArray)
                    {
                        r.Skip();
                        continue;
                    }

                    while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                    {
                        if (r.TokenType == JsonTokenType.StartObject)
                        {
                            jobs.Add(self.ReadJob(ref r));
                        }
                        else
                        {
                            r.Skip();
                        }
                    }
                }
                else if (r.ValueTextEquals("NextToken"u8))
                {
                    r.Read();
                    nextToken = r.TokenType == JsonTokenType.String ? r.GetString() : null;
                }
                else
                {
                    r.Read();
                    r.Skip();
                }
            }

            return jobs;
        }

        private BackupJob ReadJob(ref Utf8JsonReader r)
        {
            var job = new BackupJob { Region = _region };
            string? account = null;
            var guess = 0;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                // Members come in the same order job after job: try the one after the last match first.
                var field = -1;
                for (var k = 0; k < Fields; k++)
                {
                    var i = (guess + k) % Fields;
                    if (r.ValueTextEquals(Names[i]))
                    {
                        field = i;
                        break;
                    }
                }

                r.Read();
                if (r.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (field < 0)
                {
                    r.Skip();
                    continue;
                }

                guess = field + 1;
                switch (field)
                {
                    case 0: account = Text(ref r, field); break;
                    case 1: job.BackupJobId = Text(ref r, field) ?? string.Empty; break;
                    case 2: job.BackupVaultName = Text(ref r, field); break;
                    case 3: job.BackupVaultArn = Text(ref r, field); break;
                    case 4: job.RecoveryPointArn = Text(ref r, field); break;
                    case 5: job.ResourceArn = Text(ref r, field); break;
                    case 6: job.CreationDate = When(ref r); break;
                    case 7: job.CompletionDate = When(ref r); break;
                    case 8: job.State = Text(ref r, field) ?? string.Empty; break;
                    case 9: job.StatusMessage = Text(ref r, field); break;
                    case 10: job.PercentDone = Percent(ref r); break;
                    case 11: job.BackupSizeInBytes = Long(ref r); break;
                    case 12: job.IamRoleArn = Text(ref r, field); break;
                    case 13: job.ResourceType = Text(ref r, field); break;
                    case 14: job.BytesTransferred = Long(ref r); break;
                    case 15: job.ExpectedCompletionDate = When(ref r); break;
                    case 16: job.StartBy = When(ref r); break;
                    case 17: job.BackupType = Text(ref r, field); break;
                    case 18: job.ParentJobId = Text(ref r, field); break;
                    case 19: job.IsParent = Flag(ref r); break;
                    case 20: job.ResourceName = Text(ref r, field); break;
                    case 21: job.MessageCategory = Text(ref r, field); break;
                    case 22: job.RecoveryPointLifecycle = Lifecycle(ref r); break;
                    case 23: job.EncryptionKeyArn = Text(ref r, field); break;
                    case 24: job.IsEncrypted = Flag(ref r); break;
                    case 25: job.InitiationDate = When(ref r); break;
                }
            }

            job.AccountId = account ?? BackupWire.AccountOf(job.BackupVaultArn, job.RecoveryPointArn, job.ResourceArn);
            return job;
        }

        /// <summary>A string member; the same bytes as the previous job's member give the same string object.</summary>
        private string? Text(ref Utf8JsonReader r, int field)
        {
            if (r.TokenType == JsonTokenType.String)
            {
                if (r.ValueIsEscaped || r.HasValueSequence)
                {
                    return r.GetString();
                }

                var last = _lastText[field];
                if (last != null && AsciiEquals(r.ValueSpan, last))
                {
                    return last;
                }

                var text = r.GetString();
                _lastText[field] = text;
                return text;
            }

            if (r.TokenType == JsonTokenType.StartObject || r.TokenType == JsonTokenType.StartArray)
            {
                using var doc = JsonDocument.ParseValue(ref r);
                return doc.RootElement.GetRawText();
            }

            return Encoding.UTF8.GetString(r.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(r.ValueSequence) : r.ValueSpan.ToArray());
        }

        /// <summary>
        /// The UTF-8 bytes spell exactly this string, when both are ASCII (what these members are); anything else reads as
        /// different, which only costs a new string. No copy of the bytes is kept: that was a second array per member.
        /// </summary>
        private static bool AsciiEquals(ReadOnlySpan<byte> utf8, string text)
        {
            if (utf8.Length != text.Length)
            {
                return false;
            }

            for (var i = 0; i < utf8.Length; i++)
            {
                var b = utf8[i];
                if (b >= 0x80 || b != text[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static DateTime? When(ref Utf8JsonReader r)
        {
            if (r.TokenType == JsonTokenType.Number)
            {
                return AwsEncoding.FromEpochSeconds(r.GetDouble());
            }

            if (r.TokenType == JsonTokenType.String)
            {
                var s = r.GetString()!;
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs) ? AwsEncoding.FromEpochSeconds(secs) : AwsEncoding.ParseIso8601(s);
            }

            r.Skip();
            return null;
        }

        private static double? Percent(ref Utf8JsonReader r)
        {
            if (r.TokenType == JsonTokenType.String && !r.ValueIsEscaped && !r.HasValueSequence)
            {
                return Utf8Parser.TryParse(r.ValueSpan, out double v, out var used) && used == r.ValueSpan.Length ? v : (double?)null;
            }

            if (r.TokenType == JsonTokenType.String || r.TokenType == JsonTokenType.Number)
            {
                var s = r.TokenType == JsonTokenType.String ? r.GetString() : Encoding.UTF8.GetString(r.ValueSpan.ToArray());
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null;
            }

            r.Skip();
            return null;
        }

        private static long? Long(ref Utf8JsonReader r)
        {
            if (r.TokenType == JsonTokenType.Number)
            {
                return r.GetInt64();
            }

            r.Skip();
            return null;
        }

        private static bool? Flag(ref Utf8JsonReader r)
        {
            if (r.TokenType == JsonTokenType.True || r.TokenType == JsonTokenType.False)
            {
                return r.GetBoolean();
            }

            r.Skip();
            return null;
        }

        private static Lifecycle? Lifecycle(ref Utf8JsonReader r)
        {
            if (r.TokenType != JsonTokenType.StartObject)
            {
                r.Skip();
                return null;
            }

            var l = new Lifecycle();
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                var which = r.ValueTextEquals("MoveToColdStorageAfterDays"u8) ? 1 : r.ValueTextEquals("DeleteAfterDays"u8) ? 2 : r.ValueTextEquals("OptInToArchiveForSupportedResources"u8) ? 3 : 0;
                r.Read();
                switch (which)
                {
                    case 1: l.MoveToColdStorageAfterDays = r.TokenType == JsonTokenType.Number ? r.GetInt64() : (long?)null; break;
                    case 2: l.DeleteAfterDays = r.TokenType == JsonTokenType.Number ? r.GetInt64() : (long?)null; break;
                    case 3: l.OptInToArchiveForSupportedResources = r.TokenType == JsonTokenType.True ? true : r.TokenType == JsonTokenType.False ? false : (bool?)null; break;
                    default: r.Skip(); break;
                }
            }

            return l;
        }
    }
}

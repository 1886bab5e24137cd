using System;
using System.Collections.Generic;

namespace BackupDr.Sandbox
{
    /// <summary>How the sandbox behaves: port, job timing, faults, determinism. Change at run time with <see cref="SandboxServer.Configure"/>.</summary>
    public sealed class SandboxOptions
    {
        /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
        public int Port { get; set; }

        /// <summary>Time a job takes from CREATED to its end state; zero means done on the next read.</summary>
        public TimeSpan JobDuration { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Fixed delay added to every AWS call.</summary>
        public TimeSpan Latency { get; set; } = TimeSpan.Zero;

        /// <summary>Token-bucket refill per API operation, calls per second; 0 or less turns throttling off.</summary>
        public double ThrottleRate { get; set; }

        /// <summary>Token-bucket size per API operation (calls allowed in a burst).</summary>
        public int ThrottleBurst { get; set; } = 10;

        /// <summary>Fraction (0..1) of jobs that end FAILED.</summary>
        public double FailureRate { get; set; }

        /// <summary>Fraction (0..1) of AWS calls answered 503 ServiceUnavailable.</summary>
        public double ErrorRate { get; set; }

        /// <summary>Seed of the random source behind failures, errors and ids; null = time-based.</summary>
        public int? RandomSeed { get; set; }

        /// <summary>Account used for access keys not in <see cref="AccountsByAccessKey"/>.</summary>
        public string DefaultAccountId { get; set; } = "123456789012";

        /// <summary>Access key id to account id: state is kept per account and region.</summary>
        public IDictionary<string, string> AccountsByAccessKey { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>Seed file loaded at start (and again on Reset).</summary>
        public string? SeedPath { get; set; }

        /// <summary>The time source for job progress; tests inject a controllable clock.</summary>
        public Func<DateTime> Clock { get; set; } = () => DateTime.UtcNow;

        public SandboxOptions Clone()
        {
            var copy = (SandboxOptions)MemberwiseClone();
            copy.AccountsByAccessKey = new Dictionary<string, string>(AccountsByAccessKey, StringComparer.Ordinal);
            return copy;
        }

        /// <summary>Throws ArgumentException naming the bad option.</summary>
        public void Validate()
        {
            if (Port < 0 || Port > 65535)
            {
                throw new ArgumentException("Port must be 0..65535.", nameof(Port));
            }

            if (JobDuration < TimeSpan.Zero)
            {
                throw new ArgumentException("JobDuration must not be negative.", nameof(JobDuration));
            }

            if (Latency < TimeSpan.Zero)
            {
                throw new ArgumentException("Latency must not be negative.", nameof(Latency));
            }

            if (FailureRate < 0 || FailureRate > 1)
            {
                throw new ArgumentException("FailureRate must be between 0 and 1.", nameof(FailureRate));
            }

            if (ErrorRate < 0 || ErrorRate > 1)
            {
                throw new ArgumentException("ErrorRate must be between 0 and 1.", nameof(ErrorRate));
            }

            if (ThrottleBurst < 1)
            {
                throw new ArgumentException("ThrottleBurst must be at least 1.", nameof(ThrottleBurst));
            }
        }
    }

    /// <summary>What a fault rule does to the calls it hits.</summary>
    public enum SandboxFaultKind
    {
        /// <summary>Answer with Status and ErrorCode; the call does nothing.</summary>
        Error,

        /// <summary>Reset the connection before the call is handled: nothing was done, no answer.</summary>
        Drop,

        /// <summary>Handle the call (a start starts), then reset the connection: done, but the answer is lost.</summary>
        DropAfter,

        /// <summary>Wait Delay before handling the call and answering (longer than the client's per-attempt timeout, say).</summary>
        Delay,
    }

    /// <summary>
    /// A fault on request: the next Count calls of one operation (after Skip calls let through) fail with Status and
    /// ErrorCode, lose their connection or are answered late (<see cref="Kind"/>). Added with
    /// <see cref="SandboxServer.AddFault(string, int, int, string?, int, string?)"/> or POST /_sandbox/faults; Reset removes them.
    /// </summary>
    public sealed class SandboxFaultRule
    {
        public SandboxFaultRule(string operation, int count, SandboxFaultKind kind, TimeSpan? delay = null, int skip = 0, string? service = null)
            : this(operation, count, 503, null, skip, service)
        {
            if (kind == SandboxFaultKind.Delay && (delay == null || delay.Value <= TimeSpan.Zero || delay.Value > TimeSpan.FromMinutes(10)))
            {
                throw new ArgumentException("A Delay fault needs a delay above zero and at most 10 minutes.", nameof(delay));
            }

            Kind = kind;
            Delay = kind == SandboxFaultKind.Delay ? delay!.Value : TimeSpan.Zero;
        }

        public SandboxFaultRule(string operation, int count, int status = 503, string? errorCode = null, int skip = 0, string? service = null)
        {
            if (string.IsNullOrWhiteSpace(operation))
            {
                throw new ArgumentException("A fault rule needs an operation name, e.g. DescribeBackupJob.", nameof(operation));
            }

            if (count < 1)
            {
                throw new ArgumentException("Count must be at least 1.", nameof(count));
            }

            if (status < 400 || status > 599)
            {
                throw new ArgumentException("Status must be an HTTP error status (400..599).", nameof(status));
            }

            if (skip < 0)
            {
                throw new ArgumentException("Skip must not be negative.", nameof(skip));
            }

            Operation = operation;
            Remaining = count;
            Status = status;
            ErrorCode = errorCode;
            Skip = skip;
            Service = service;
        }

        /// <summary>The API operation, as the request log names it (DescribeBackupJob, StartBackupJob, DescribeVolumes...).</summary>
        public string Operation { get; }

        /// <summary>Only calls of this service (backup, rds, ec2, sts); null for any.</summary>
        public string? Service { get; }

        /// <summary>Failures still to inject.</summary>
        public int Remaining { get; private set; }

        /// <summary>Matching calls still to let through before failing.</summary>
        public int Skip { get; private set; }

        public int Status { get; }

        /// <summary>The AWS error code; null picks the usual one for the status (503 ServiceUnavailable, 429 throttling, else InternalFailure).</summary>
        public string? ErrorCode { get; }

        /// <summary>Failures injected so far.</summary>
        public int Fired { get; private set; }

        /// <summary>Error (the default), Drop, DropAfter or Delay.</summary>
        public SandboxFaultKind Kind { get; } = SandboxFaultKind.Error;

        /// <summary>How late a Delay fault answers.</summary>
        public TimeSpan Delay { get; }

        /// <summary>
        /// True: the call is carried out first and only its answer is replaced by the error (a lost answer: AWS acted,
        /// the caller never heard). False (the default): the call fails before it has any effect.
        /// </summary>
        public bool AfterEffect { get; set; }

        /// <summary>With <see cref="AfterEffect"/>: how long the lost answer takes (beyond a client's per-attempt timeout, it reads as no answer).</summary>
        public TimeSpan AfterEffectDelay { get; set; }

        internal SandboxFaultRule Clone() => (SandboxFaultRule)MemberwiseClone();

        /// <summary>Called under the server's lock for every AWS call; true when this call must fail.</summary>
        internal bool TryFire(string service, string operation)
        {
            if (Remaining <= 0 || !string.Equals(operation, Operation, StringComparison.Ordinal) || (Service != null && !string.Equals(service, Service, StringComparison.Ordinal)))
            {
                return false;
            }

            if (Skip > 0)
            {
                Skip--;
                return false;
            }

            Remaining--;
            Fired++;
            return true;
        }

        internal Protocol.SandboxError ToError(Protocol.Dialect dialect)
        {
            var code = ErrorCode ?? (Status == 429 ? (dialect == Protocol.Dialect.RestJson ? "ThrottlingException" : "Throttling")
                : Status == 503 ? (dialect == Protocol.Dialect.RestJson ? "ServiceUnavailableException" : dialect == Protocol.Dialect.Query ? "ServiceUnavailable" : "Unavailable")
                : dialect == Protocol.Dialect.Ec2 ? "InternalError" : "InternalFailure");
            return new Protocol.SandboxError(Status, code, $"Injected by a sandbox fault rule on {Operation} ({Remaining} left).", sender: Status < 500);
        }
    }

    /// <summary>One backup job as the sandbox holds it, for counting what was really started.</summary>
    public sealed class SandboxBackupJobInfo
    {
        public SandboxBackupJobInfo(string jobId, string accountId, string region, string resourceArn, string backupVaultName, string? idempotencyToken, DateTime creationDate)
        {
            JobId = jobId;
            AccountId = accountId;
            Region = region;
            ResourceArn = resourceArn;
            BackupVaultName = backupVaultName;
            IdempotencyToken = idempotencyToken;
            CreationDate = creationDate;
        }

        public string JobId { get; }
        public string AccountId { get; }
        public string Region { get; }
        public string ResourceArn { get; }
        public string BackupVaultName { get; }
        public string? IdempotencyToken { get; }
        public DateTime CreationDate { get; }
    }

    /// <summary>One AWS call the sandbox answered (control endpoints are not logged).</summary>
    public sealed class SandboxRequestRecord
    {
        public SandboxRequestRecord(DateTime time, string service, string operation, string region, string accountId, int status, string? errorCode)
        {
            Time = time;
            Service = service;
            Operation = operation;
            Region = region;
            AccountId = accountId;
            Status = status;
            ErrorCode = errorCode;
        }

        public DateTime Time { get; }
        public string Service { get; }
        public string Operation { get; }
        public string Region { get; }
        public string AccountId { get; }
        public int Status { get; }
        public string? ErrorCode { get; }

        public override string ToString() => $"{Time:O} {Service} {Operation} {Region} {Status} {ErrorCode}";
    }
}

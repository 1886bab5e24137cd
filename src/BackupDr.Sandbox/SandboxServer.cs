using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using BackupDr.Sandbox.Api;
using BackupDr.Sandbox.Http;
using BackupDr.Sandbox.Protocol;
using BackupDr.Sandbox.State;

namespace BackupDr.Sandbox
{
    /// <summary>What one AWS call sees: who, where, when, and the state of that account and region.</summary>
    internal sealed class CallContext
    {
        public CallContext(SandboxServer server, HttpRequestData request, string accountId, string region, string requestId, DateTime now)
        {
            Server = server;
            Request = request;
            AccountId = accountId;
            Region = region;
            RequestId = requestId;
            Now = now;
        }

        public SandboxServer Server { get; }
        public HttpRequestData Request { get; }
        public string AccountId { get; }
        public string Region { get; }
        public string RequestId { get; }
        public DateTime Now { get; }
        public World World => Server.World;
        public RegionState State => Server.World.Get(AccountId, Region, Now);
    }

    /// <summary>
    /// A local AWS (Backup, RDS and EC2 subsets) on 127.0.0.1 that speaks the real wire protocols, keeps
    /// state per account and region, moves jobs through their states over time and injects faults on request.
    /// </summary>
    public sealed class SandboxServer : IDisposable
    {
        private static readonly Regex AuthPattern = new Regex(
            @"^AWS4-HMAC-SHA256\s+Credential=(?<akid>[^/,\s]+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/(?<service>[a-z0-9-]+)/aws4_request,\s*SignedHeaders=[^,\s]+,\s*Signature=[0-9a-f]+$",
            RegexOptions.CultureInvariant);

        private readonly object _logLock = new object();
        private readonly List<SandboxRequestRecord> _log = new List<SandboxRequestRecord>();
        private readonly Dictionary<string, TokenBucket> _buckets = new Dictionary<string, TokenBucket>(StringComparer.Ordinal);
        private readonly List<SandboxFaultRule> _faultRules = new List<SandboxFaultRule>();
        private readonly BackupApi _backup;
        private readonly QueryApi _rds;
        private readonly QueryApi _ec2;
        private readonly QueryApi _sts = new StsApi();
        private readonly QueryApi _cloudWatch = new CloudWatchApi();
        private MiniHttpServer? _http;
        private Random _random;
        private SandboxOptions _options;

        public SandboxServer(SandboxOptions? options = null)
        {
            _options = (options ?? new SandboxOptions()).Clone();
            _options.Validate();
            _random = NewRandom(_options.RandomSeed);
            World = new World(() => Now);
            _backup = new BackupApi();
            _rds = new RdsApi();
            _ec2 = new Ec2Api();
        }

        /// <summary>http://127.0.0.1:PORT/ once started.</summary>
        public Uri Endpoint => _http?.Endpoint ?? throw new InvalidOperationException("The sandbox is not started.");

        /// <summary>A copy of the options in force.</summary>
        public SandboxOptions Options
        {
            get
            {
                lock (Sync)
                {
                    return _options.Clone();
                }
            }
        }

        internal object Sync { get; } = new object();
        internal World World { get; }

        internal DateTime Now => _options.Clock();

        /// <summary>Starts serving (and loads <see cref="SandboxOptions.SeedPath"/> if set); returns this for chaining.</summary>
        public SandboxServer Start()
        {
            if (_http != null)
            {
                throw new InvalidOperationException("The sandbox is already started.");
            }

            if (_options.SeedPath != null)
            {
                SeedFromFile(_options.SeedPath);
            }

            _http = new MiniHttpServer(_options.Port, HandleAsync);
            _http.Start();
            return this;
        }

        public static SandboxServer StartNew(SandboxOptions? options = null) => new SandboxServer(options).Start();

        /// <summary>Replaces the fault and timing options (the port is kept); buckets restart full.</summary>
        public void Configure(Action<SandboxOptions> change)
        {
            lock (Sync)
            {
                var next = _options.Clone();
                change(next);
                next.Port = _options.Port;
                next.Validate();
                if (next.RandomSeed != _options.RandomSeed)
                {
                    _random = NewRandom(next.RandomSeed);
                }

                _options = next;
                _buckets.Clear();
            }
        }

        /// <summary>
        /// Makes the next <paramref name="count"/> calls of an operation (e.g. DescribeBackupJob) fail with
        /// <paramref name="status"/>, after letting <paramref name="skip"/> calls through; for tests of what a cmdlet does
        /// when one call of a sequence fails (a describe after a start). Rules are tried in the order added.
        /// </summary>
        public SandboxFaultRule AddFault(string operation, int count, int status = 503, string? errorCode = null, int skip = 0, string? service = null)
        {
            var rule = new SandboxFaultRule(operation, count, status, errorCode, skip, service);
            lock (Sync)
            {
                _faultRules.Add(rule);
            }

            return rule;
        }

        /// <summary>Adds a fault rule made by hand (for example one with <see cref="SandboxFaultRule.AfterEffect"/> set).</summary>
        public SandboxFaultRule AddFault(SandboxFaultRule rule)
        {
            if (rule == null)
            {
                throw new ArgumentNullException(nameof(rule));
            }

            lock (Sync)
            {
                _faultRules.Add(rule);
            }

            return rule;
        }

        /// <summary>
        /// Makes the next <paramref name="count"/> calls of an operation lose their connection (Drop: before the call is
        /// handled; DropAfter: after it took effect) or be answered <paramref name="delay"/> late (Delay), after letting
        /// <paramref name="skip"/> calls through; Error is <see cref="AddFault(string, int, int, string?, int, string?)"/> with 503.
        /// </summary>
        public SandboxFaultRule AddFault(string operation, int count, SandboxFaultKind kind, TimeSpan? delay = null, int skip = 0, string? service = null)
        {
            var rule = new SandboxFaultRule(operation, count, kind, delay, skip, service);
            lock (Sync)
            {
                _faultRules.Add(rule);
            }

            return rule;
        }

        /// <summary>
        /// The backup jobs the sandbox holds (every account and region, oldest first): what a test counts duplicates in,
        /// independent of any client's listing.
        /// </summary>
        public IReadOnlyList<SandboxBackupJobInfo> BackupJobs()
        {
            lock (Sync)
            {
                return World.All.SelectMany(st => st.BackupJobs.Items)
                    .Select(j => new SandboxBackupJobInfo(j.Id, j.AccountId, j.Region, j.ResourceArn, j.VaultName, j.IdempotencyToken, j.CreationDate))
                    .ToList();
            }
        }

        /// <summary>Removes every fault rule.</summary>
        public void ClearFaults()
        {
            lock (Sync)
            {
                _faultRules.Clear();
            }
        }

        /// <summary>The fault rules with what is left of them, oldest first.</summary>
        public IReadOnlyList<SandboxFaultRule> Faults
        {
            get
            {
                lock (Sync)
                {
                    return _faultRules.Select(r => r.Clone()).ToList();
                }
            }
        }

        /// <summary>Forgets all state, the request log, the throttle buckets and the fault rules; reloads the seed file if one was given.</summary>
        public void Reset()
        {
            lock (Sync)
            {
                World.Clear();
                _buckets.Clear();
                _faultRules.Clear();
                _random = NewRandom(_options.RandomSeed);
            }

            lock (_logLock)
            {
                _log.Clear();
            }

            if (_options.SeedPath != null)
            {
                SeedFromFile(_options.SeedPath);
            }
        }

        /// <summary>Loads a seed document (schema in docs/sandbox.md); throws <see cref="SandboxSeedException"/> with the line of the first error.</summary>
        public SeedSummary SeedFromFile(string path)
        {
            using var stream = System.IO.File.OpenRead(path);
            return Seed(stream, path);
        }

        public SeedSummary SeedFromJson(string json) => Seed(new System.IO.MemoryStream(Encoding.UTF8.GetBytes(json)), "(json)");

        public SeedSummary Seed(System.IO.Stream stream, string source)
        {
            var loader = new Seeder(this, source);
            var parsed = loader.Parse(stream);
            lock (Sync)
            {
                return loader.Apply(parsed);
            }
        }

        /// <summary>
        /// Sets the CloudWatch ReplicaLag (seconds) a read replica reports, so failover can be tested within and beyond
        /// an RPO. Throws <see cref="ArgumentException"/> when the instance does not exist or is not a read replica.
        /// </summary>
        public void SetReplicaLag(string region, string dbInstanceIdentifier, double seconds, string? accountId = null)
        {
            if (seconds < 0 || double.IsNaN(seconds) || double.IsInfinity(seconds))
            {
                throw new ArgumentException($"Replica lag must be 0 seconds or more (got {seconds}).", nameof(seconds));
            }

            lock (Sync)
            {
                var st = World.Get(accountId ?? _options.DefaultAccountId, region, Now);
                if (!st.DbInstances.TryGetValue(dbInstanceIdentifier, out var db))
                {
                    throw new ArgumentException($"DB instance '{dbInstanceIdentifier}' does not exist in {region}.", nameof(dbInstanceIdentifier));
                }

                if (db.ReadReplicaSource == null)
                {
                    throw new ArgumentException($"DB instance '{dbInstanceIdentifier}' in {region} is not a read replica.", nameof(dbInstanceIdentifier));
                }

                db.ReplicaLagSeconds = seconds;
            }
        }

        /// <summary>The AWS calls answered so far, oldest first.</summary>
        public IReadOnlyList<SandboxRequestRecord> RequestLog
        {
            get
            {
                lock (_logLock)
                {
                    return _log.ToList();
                }
            }
        }

        public void ClearRequestLog()
        {
            lock (_logLock)
            {
                _log.Clear();
            }
        }

        /// <summary>
        /// Account of an access key id: a key STS AssumeRole handed out is the role's account, then
        /// <see cref="SandboxOptions.AccountsByAccessKey"/>, then a key of 12 digits is that account id; else the default account.
        /// </summary>
        public string AccountFor(string accessKeyId)
        {
            if (World.Organization.TryAccountOfKey(accessKeyId, out var assumed))
            {
                return assumed;
            }

            if (_options.AccountsByAccessKey.TryGetValue(accessKeyId, out var acct))
            {
                return acct;
            }

            return Organization.IsAccountId(accessKeyId) ? accessKeyId : _options.DefaultAccountId;
        }

        internal double NextRandom()
        {
            lock (Sync)
            {
                return _random.NextDouble();
            }
        }

        internal string NewHex(int length)
        {
            var sb = new StringBuilder(length);
            lock (Sync)
            {
                for (var i = 0; i < length; i++)
                {
                    sb.Append("0123456789abcdef"[_random.Next(16)]);
                }
            }

            return sb.ToString();
        }

        internal string NewGuid()
        {
            var h = NewHex(32);
            return $"{h.Substring(0, 8)}-{h.Substring(8, 4)}-{h.Substring(12, 4)}-{h.Substring(16, 4)}-{h.Substring(20, 12)}";
        }

        internal double FailureRate => _options.FailureRate;
        internal TimeSpan JobDuration => _options.JobDuration;

        private static Random NewRandom(int? seed) => seed.HasValue ? new Random(seed.Value) : new Random();

        private async Task<HttpResponseData> HandleAsync(HttpRequestData request)
        {
            if (request.RawPath.StartsWith("/_sandbox/", StringComparison.Ordinal) || request.RawPath == "/_sandbox")
            {
                return Control(request);
            }

            var requestId = NewGuid();
            var dialect = GuessDialect(request, null);
            string service = "unknown", operation = "unknown", region = "unknown", account = _options.DefaultAccountId;
            HttpResponseData response;
            SandboxFaultRule? fault = null;
            try
            {
                var auth = request.Header("Authorization");
                if (string.IsNullOrEmpty(auth))
                {
                    throw dialect == Dialect.RestJson
                        ? new SandboxError(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
                        : new SandboxError(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
                }

                var m = AuthPattern.Match(auth!.Trim());
                if (!m.Success)
                {
                    throw dialect == Dialect.RestJson
                        ? new SandboxError(403, "IncompleteSignatureException", $"Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters in the form AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=..., Signature=.... Authorization={auth}")
                        : new SandboxError(403, "IncompleteSignature", "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
                }

                service = m.Groups["service"].Value;
                region = m.Groups["region"].Value;
                account = AccountFor(m.Groups["akid"].Value);
                dialect = GuessDialect(request, service);

                ApiBase api = service switch
                {
                    "backup" => _backup,
                    "rds" => _rds,
                    "ec2" => _ec2,
                    "sts" => _sts,
                    "monitoring" => _cloudWatch,
                    _ => throw new SandboxError(400, "UnknownOperationException", $"The sandbox does not serve the service '{service}' (only backup, rds, ec2, sts GetCallerIdentity and monitoring GetMetricStatistics)."),
                };

                var handler = api.Resolve(request, out operation);
                var options = _options;
                if (options.Latency > TimeSpan.Zero)
                {
                    await Task.Delay(options.Latency).ConfigureAwait(false);
                }

                fault = InjectFaults(service, operation, dialect, options);
                if (fault?.Kind == SandboxFaultKind.Delay)
                {
                    await Task.Delay(fault.Delay).ConfigureAwait(false);
                }

                if (fault?.Kind == SandboxFaultKind.Drop)
                {
                    response = new HttpResponseData(0, Array.Empty<byte>(), "text/plain") { Abort = true };
                }
                else
                {
                    lock (Sync)
                    {
                        var ctx = new CallContext(this, request, account, region, requestId, Now);
                        JobEngine.Advance(ctx.World, ctx.Now, this);
                        response = handler(ctx);
                    }

                    response.Abort = fault?.Kind == SandboxFaultKind.DropAfter;
                }

                // A lost answer: the call took effect, but the caller hears an error (or a timeout), as when a connection
                // drops after AWS acted. What a retry must survive without doing the work twice.
                var lost = LoseAnswer(service, operation);
                if (lost != null)
                {
                    if (lost.AfterEffectDelay > TimeSpan.Zero)
                    {
                        await Task.Delay(lost.AfterEffectDelay).ConfigureAwait(false);
                    }

                    throw lost.ToError(dialect);
                }
            }
            catch (SandboxError e)
            {
                response = Wire.Error(dialect, e, requestId);
            }
            catch (Exception e)
            {
                response = Wire.Error(dialect, new SandboxError(500, dialect == Dialect.RestJson ? "InternalFailure" : dialect == Dialect.Query ? "InternalFailure" : "InternalError", "The sandbox failed to handle the request: " + e.GetType().Name + ": " + e.Message, sender: false), requestId);
            }

            response.Headers["x-amzn-RequestId"] = requestId;
            string? errorCode = null;
            if (response.Abort)
            {
                errorCode = fault?.Kind == SandboxFaultKind.DropAfter ? "ResponseDropped" : "ConnectionDropped";
            }
            else if (response.Status >= 300 && response.Headers.TryGetValue("x-amzn-ErrorType", out var et))
            {
                errorCode = et;
            }
            else if (response.Status >= 300)
            {
                var text = Encoding.UTF8.GetString(response.Body);
                var cm = Regex.Match(text, "<Code>([^<]*)</Code>");
                errorCode = cm.Success ? cm.Groups[1].Value : null;
            }

            lock (_logLock)
            {
                _log.Add(new SandboxRequestRecord(DateTime.UtcNow, service, operation, region, account, response.Status, errorCode));
            }

            return response;
        }

        private SandboxFaultRule? LoseAnswer(string service, string operation)
        {
            lock (Sync)
            {
                foreach (var rule in _faultRules)
                {
                    if (rule.AfterEffect && rule.TryFire(service, operation))
                    {
                        return rule;
                    }
                }
            }

            return null;
        }

        /// <summary>Throws the error of an Error rule, ErrorRate or throttling; returns a Drop, DropAfter or Delay rule that fired.</summary>
        private SandboxFaultRule? InjectFaults(string service, string operation, Dialect dialect, SandboxOptions options)
        {
            SandboxFaultRule? fired = null;
            lock (Sync)
            {
                foreach (var rule in _faultRules)
                {
                    if (!rule.AfterEffect && rule.TryFire(service, operation))
                    {
                        fired = rule;
                        break;
                    }
                }
            }

            if (fired != null)
            {
                if (fired.Kind != SandboxFaultKind.Error)
                {
                    return fired;
                }

                throw fired.ToError(dialect);
            }

            if (options.ErrorRate > 0 && NextRandom() < options.ErrorRate)
            {
                throw dialect switch
                {
                    Dialect.RestJson => new SandboxError(503, "ServiceUnavailableException", "The service is unavailable (sandbox ErrorRate).", sender: false),
                    Dialect.Query => new SandboxError(503, "ServiceUnavailable", "The service is unavailable (sandbox ErrorRate).", sender: false),
                    _ => new SandboxError(503, "Unavailable", "The server is overloaded and can't handle the request (sandbox ErrorRate).", sender: false),
                };
            }

            if (options.ThrottleRate > 0)
            {
                bool ok;
                lock (Sync)
                {
                    var key = service + ":" + operation;
                    if (!_buckets.TryGetValue(key, out var bucket))
                    {
                        bucket = new TokenBucket(options.ThrottleRate, options.ThrottleBurst, DateTime.UtcNow);
                        _buckets[key] = bucket;
                    }

                    ok = bucket.TryTake(DateTime.UtcNow);
                }

                if (!ok)
                {
                    throw dialect switch
                    {
                        Dialect.RestJson => new SandboxError(429, "ThrottlingException", "Rate exceeded"),
                        Dialect.Query => new SandboxError(400, "Throttling", "Rate exceeded"),
                        _ => new SandboxError(503, "RequestLimitExceeded", "Request limit exceeded."),
                    };
                }
            }

            return null;
        }

        private static Dialect GuessDialect(HttpRequestData request, string? service)
        {
            if (service == "rds" || service == "sts" || service == "monitoring")
            {
                return Dialect.Query;
            }

            if (service == "ec2")
            {
                return Dialect.Ec2;
            }

            if (service != null)
            {
                return Dialect.RestJson;
            }

            var form = (request.Header("Content-Type") ?? string.Empty).StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
            var text = form ? Encoding.UTF8.GetString(request.Body) : string.Empty;
            if (form || request.RawQuery.Contains("Action="))
            {
                return text.Contains("Version=2016-11-15") || request.RawQuery.Contains("Version=2016-11-15") ? Dialect.Ec2 : Dialect.Query;
            }

            return Dialect.RestJson;
        }

        private HttpResponseData Control(HttpRequestData request)
        {
            try
            {
                var path = request.RawPath.TrimEnd('/');
                if (request.Method == "GET" && path == "/_sandbox/requests")
                {
                    var log = RequestLog;
                    return Wire.Json(200, w =>
                    {
                        w.WriteStartArray("Requests");
                        foreach (var r in log)
                        {
                            w.WriteStartObject();
                            w.WriteString("Time", Wire.Iso(r.Time));
                            w.WriteString("Service", r.Service);
                            w.WriteString("Operation", r.Operation);
                            w.WriteString("Region", r.Region);
                            w.WriteString("AccountId", r.AccountId);
                            w.WriteNumber("Status", r.Status);
                            w.Str("ErrorCode", r.ErrorCode);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    });
                }

                if (request.Method == "POST" && path == "/_sandbox/reset")
                {
                    Reset();
                    return Wire.Json(200, w => w.WriteBoolean("Reset", true));
                }

                if (request.Method == "POST" && path == "/_sandbox/seed")
                {
                    var summary = Seed(new System.IO.MemoryStream(request.Body), "(request body)");
                    return Wire.Json(200, w => w.WriteString("Seeded", summary.ToString()));
                }

                if (path == "/_sandbox/faults")
                {
                    if (request.Method == "POST")
                    {
                        AddFaultJson(request.Body);
                    }
                    else if (request.Method == "DELETE")
                    {
                        ClearFaults();
                    }
                    else if (request.Method != "GET")
                    {
                        return Wire.Json(405, w => w.WriteString("Message", "Use GET, POST or DELETE on /_sandbox/faults."));
                    }

                    var faults = Faults;
                    return Wire.Json(200, w =>
                    {
                        w.WriteStartArray("Faults");
                        foreach (var f in faults)
                        {
                            w.WriteStartObject();
                            w.WriteString("Operation", f.Operation);
                            w.Str("Service", f.Service);
                            w.WriteNumber("Remaining", f.Remaining);
                            w.WriteNumber("Skip", f.Skip);
                            w.WriteNumber("Status", f.Status);
                            w.WriteBoolean("AfterEffect", f.AfterEffect);
                            w.Str("ErrorCode", f.ErrorCode);
                            w.WriteString("Kind", f.Kind.ToString());
                            w.WriteNumber("DelayMs", f.Delay.TotalMilliseconds);
                            w.WriteNumber("Fired", f.Fired);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    });
                }

                if (request.Method == "POST" && path == "/_sandbox/replica-lag")
                {
                    using var doc = JsonDocument.Parse(request.Body.Length == 0 ? Encoding.UTF8.GetBytes("{}") : request.Body);
                    string? lagRegion = null, lagId = null, lagAccount = null;
                    double? seconds = null;
                    foreach (var p in doc.RootElement.EnumerateObject())
                    {
                        switch (p.Name)
                        {
                            case "region": lagRegion = p.Value.GetString(); break;
                            case "dbInstanceIdentifier": lagId = p.Value.GetString(); break;
                            case "seconds": seconds = p.Value.GetDouble(); break;
                            case "accountId": lagAccount = p.Value.GetString(); break;
                            default: throw new ArgumentException($"Unknown replica-lag field '{p.Name}'. Known: region, dbInstanceIdentifier, seconds, accountId.");
                        }
                    }

                    if (lagRegion == null || lagId == null || seconds == null)
                    {
                        throw new ArgumentException("A replica lag needs region, dbInstanceIdentifier and seconds, e.g. {\"region\":\"eu-central-1\",\"dbInstanceIdentifier\":\"orders-db-replica\",\"seconds\":7200}.");
                    }

                    SetReplicaLag(lagRegion, lagId, seconds.Value, lagAccount);
                    return Wire.Json(200, w =>
                    {
                        w.WriteString("DBInstanceIdentifier", lagId);
                        w.WriteString("Region", lagRegion);
                        w.WriteNumber("ReplicaLagSeconds", seconds.Value);
                    });
                }

                if (path == "/_sandbox/options" && (request.Method == "POST" || request.Method == "GET"))
                {
                    if (request.Method == "POST")
                    {
                        ApplyOptionsJson(request.Body);
                    }

                    var o = Options;
                    return Wire.Json(200, w =>
                    {
                        w.WriteNumber("JobDurationSeconds", o.JobDuration.TotalSeconds);
                        w.WriteNumber("LatencyMs", o.Latency.TotalMilliseconds);
                        w.WriteNumber("ThrottleRate", o.ThrottleRate);
                        w.WriteNumber("ThrottleBurst", o.ThrottleBurst);
                        w.WriteNumber("FailureRate", o.FailureRate);
                        w.WriteNumber("ErrorRate", o.ErrorRate);
                    });
                }

                return Wire.Json(404, w => w.WriteString("Message", "Unknown control endpoint. Known: GET /_sandbox/requests, POST /_sandbox/reset, GET|POST /_sandbox/options, GET|POST|DELETE /_sandbox/faults, POST /_sandbox/seed, POST /_sandbox/replica-lag."));
            }
            catch (SandboxSeedException e)
            {
                return Wire.Json(400, w => w.WriteString("Message", e.Message));
            }
            catch (Exception e) when (e is JsonException || e is ArgumentException || e is InvalidOperationException || e is FormatException)
            {
                return Wire.Json(400, w => w.WriteString("Message", e.Message));
            }
        }

        private void ApplyOptionsJson(byte[] body)
        {
            using var doc = JsonDocument.Parse(body.Length == 0 ? Encoding.UTF8.GetBytes("{}") : body);
            var root = doc.RootElement;
            Configure(o =>
            {
                foreach (var p in root.EnumerateObject())
                {
                    switch (p.Name)
                    {
                        case "JobDurationSeconds": o.JobDuration = TimeSpan.FromSeconds(p.Value.GetDouble()); break;
                        case "LatencyMs": o.Latency = TimeSpan.FromMilliseconds(p.Value.GetDouble()); break;
                        case "ThrottleRate": o.ThrottleRate = p.Value.GetDouble(); break;
                        case "ThrottleBurst": o.ThrottleBurst = p.Value.GetInt32(); break;
                        case "FailureRate": o.FailureRate = p.Value.GetDouble(); break;
                        case "ErrorRate": o.ErrorRate = p.Value.GetDouble(); break;
                        case "RandomSeed": o.RandomSeed = p.Value.GetInt32(); break;
                        default: throw new ArgumentException($"Unknown option '{p.Name}'. Known: JobDurationSeconds, LatencyMs, ThrottleRate, ThrottleBurst, FailureRate, ErrorRate, RandomSeed.");
                    }
                }
            });
        }

        private void AddFaultJson(byte[] body)
        {
            using var doc = JsonDocument.Parse(body.Length == 0 ? Encoding.UTF8.GetBytes("{}") : body);
            string? operation = null, errorCode = null, service = null;
            int count = 1, status = 503, skip = 0;
            var kind = SandboxFaultKind.Error;
            double delayMs = 0;
            var afterEffect = false;
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "Operation": operation = p.Value.GetString(); break;
                    case "Count": count = p.Value.GetInt32(); break;
                    case "Status": status = p.Value.GetInt32(); break;
                    case "ErrorCode": errorCode = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetString(); break;
                    case "Skip": skip = p.Value.GetInt32(); break;
                    case "Service": service = p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetString(); break;
                    case "Kind":
                        if (!Enum.TryParse(p.Value.GetString(), true, out kind) || !Enum.IsDefined(typeof(SandboxFaultKind), kind))
                        {
                            throw new ArgumentException($"Unknown fault Kind '{p.Value.GetString()}'. Known: Error, Drop, DropAfter, Delay.");
                        }

                        break;
                    case "DelayMs": delayMs = p.Value.GetDouble(); break;
                    case "AfterEffect": afterEffect = p.Value.GetBoolean(); break;
                    default: throw new ArgumentException($"Unknown fault field '{p.Name}'. Known: Operation, Count, Status, ErrorCode, Skip, Service, Kind, DelayMs, AfterEffect.");
                }
            }

            var op = operation ?? throw new ArgumentException("A fault needs an Operation, e.g. {\"Operation\":\"DescribeBackupJob\",\"Count\":10}.");
            if (kind == SandboxFaultKind.Error)
            {
                AddFault(new SandboxFaultRule(op, count, status, errorCode, skip, service) { AfterEffect = afterEffect });
            }
            else
            {
                AddFault(op, count, kind, kind == SandboxFaultKind.Delay ? TimeSpan.FromMilliseconds(delayMs) : (TimeSpan?)null, skip, service);
            }
        }

        public void Stop() => _http?.Stop();

        public void Dispose() => _http?.Dispose();
    }

    /// <summary>Refills at Rate tokens per second up to Burst.</summary>
    internal sealed class TokenBucket
    {
        private readonly double _rate;
        private readonly double _burst;
        private double _tokens;
        private DateTime _last;

        public TokenBucket(double rate, int burst, DateTime now)
        {
            _rate = rate;
            _burst = burst;
            _tokens = burst;
            _last = now;
        }

        public bool TryTake(DateTime now)
        {
            _tokens = Math.Min(_burst, _tokens + (now - _last).TotalSeconds * _rate);
            _last = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                return true;
            }

            return false;
        }
    }
}

using System.Reflection;
using System.Runtime.Loader;
using BackupDr.Sandbox;

namespace BackupDr.Core.Tests.Ec2;

/// <summary>
/// AWSSDK.EC2 loads on the first EC2 call and not before: BackupDr.Core is loaded into a fresh AssemblyLoadContext
/// that records every assembly it is asked for, so what this test process already loaded does not hide a load.
/// </summary>
public sealed class SdkEc2LazyLoadTests
{
    private sealed class RecordingContext : AssemblyLoadContext
    {
        private readonly string _directory;

        public RecordingContext(string directory)
            : base("backupdr-lazy-ec2", isCollectible: true)
        {
            _directory = directory;
        }

        public List<string> Requested { get; } = new();

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            lock (Requested)
            {
                Requested.Add(assemblyName.Name!);
            }

            var path = Path.Combine(_directory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }

        public bool Asked(string name)
        {
            lock (Requested)
            {
                return Requested.Contains(name);
            }
        }
    }

    private static object? Call(object target, string method, params object?[] args) =>
        target.GetType().GetMethod(method, BindingFlags.Public | BindingFlags.Instance)!.Invoke(target, args);

    [Fact]
    public async Task Making_the_client_set_and_calling_STS_does_not_load_AWSSDK_EC2_the_first_EC2_call_does()
    {
        using var sandbox = SandboxServer.StartNew(new SandboxOptions { JobDuration = TimeSpan.Zero });
        var directory = Path.GetDirectoryName(typeof(BackupDr.Core.Aws.AwsContext).Assembly.Location)!;
        var alc = new RecordingContext(directory);
        try
        {
            var core = alc.LoadFromAssemblyPath(Path.Combine(directory, "BackupDr.Core.dll"));
            var optionsType = core.GetType("BackupDr.Core.Aws.AwsContextOptions", throwOnError: true)!;
            var options = Activator.CreateInstance(optionsType)!;
            optionsType.GetProperty("Region")!.SetValue(options, "us-east-1");
            optionsType.GetProperty("AccessKey")!.SetValue(options, "AKIDLAZY");
            optionsType.GetProperty("SecretKey")!.SetValue(options, "secret");
            optionsType.GetProperty("EndpointUrl")!.SetValue(options, sandbox.Endpoint.ToString());
            var environment = Activator.CreateInstance(core.GetType("BackupDr.Core.Aws.DictionaryEnvironment", throwOnError: true)!, new object?[] { null })!;
            var context = core.GetType("BackupDr.Core.Aws.AwsContext", throwOnError: true)!.GetMethod("Resolve")!.Invoke(null, new[] { options, environment })!;
            var factoryType = core.GetType("BackupDr.Core.Aws.AwsClientFactory", throwOnError: true)!;
            var factory = factoryType.GetField("Default")!.GetValue(null)!;
            using var set = (IDisposable)Call(factory, "Create", context, null)!;

            // A call of our own clients (STS here) runs through AWSSDK.Core (signing) but needs nothing of EC2.
            var sts = set.GetType().GetProperty("Sts")!.GetValue(set)!;
            await (Task)Call(sts, "GetCallerIdentityAsync", CancellationToken.None)!;
            Assert.True(alc.Asked("AWSSDK.Core"));
            Assert.False(alc.Asked("AWSSDK.EC2"), "AWSSDK.EC2 was loaded before any EC2 call: " + string.Join(", ", alc.Requested));

            var ec2 = set.GetType().GetProperty("Ec2")!.GetValue(set)!;
            Assert.Equal("SdkEc2Client", ec2.GetType().Name);
            var dryRun = (Task<bool>)Call(ec2, "DryRunDescribeVolumesAsync", CancellationToken.None)!;
            Assert.True(await dryRun);
            Assert.True(alc.Asked("AWSSDK.EC2"));
        }
        finally
        {
            alc.Unload();
        }
    }
}

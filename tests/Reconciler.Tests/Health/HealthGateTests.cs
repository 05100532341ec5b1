using System.Net;
using System.Net.Sockets;
using System.Text;
using PersonalCloud.Reconciler.Containers;
using PersonalCloud.Reconciler.Desired;
using PersonalCloud.Reconciler.Health;

namespace PersonalCloud.Reconciler.Tests.Health;

/// <summary>The in-pass health gate against a loopback HTTP server standing in for a container.</summary>
public sealed class HealthGateTests
{
    private static readonly ReleaseHealth Health = new("/healthz", TimeSpan.FromSeconds(2), 2, TimeSpan.FromSeconds(60));

    [Test]
    public async Task Gate_ContainerThatAnswers_PassesOnceTheThresholdIsReachedInARow()
    {
        using var server = new LoopbackServer(_ => 200);
        using var probe = new HttpProbe();
        var streaks = new HealthStreaks();
        var gate = new HealthGate(new StubRuntime(ContainerState.Running), probe, streaks, TimeProvider.System);

        var healthy = await gate.WaitHealthyAsync(Container(), server.Port, Health, CancellationToken.None);

        healthy.Should().BeTrue();
        server.Requests.Should().Be(2, "the healthy threshold is two passed probes in a row");
        server.Paths.Should().AllBe("/healthz");
    }

    [Test]
    public async Task Gate_ContainerThatStartsAnsweringLater_KeepsProbingWithinThePass()
    {
        using var server = new LoopbackServer(n => n <= 3 ? 503 : 200);
        using var probe = new HttpProbe();
        var gate = new HealthGate(new StubRuntime(ContainerState.Running), probe, new HealthStreaks(), TimeProvider.System);

        var healthy = await gate.WaitHealthyAsync(Container(), server.Port, Health, CancellationToken.None);

        healthy.Should().BeTrue();
        server.Requests.Should().Be(5);
    }

    [Test]
    public async Task Gate_ContainerTheEngineReportsStopped_GivesUpBeforeTheBudget()
    {
        using var server = new LoopbackServer(_ => 503);
        using var probe = new HttpProbe();
        var runtime = new StubRuntime(ContainerState.Exited);
        var gate = new HealthGate(runtime, probe, new HealthStreaks(), TimeProvider.System);

        var healthy = await gate.WaitHealthyAsync(Container(), server.Port, Health, CancellationToken.None);

        healthy.Should().BeFalse();
        runtime.Inspections.Should().Be(1);
    }

    [Test]
    public async Task Gate_ContainerPastItsDeployDeadline_ProbesOnlyOnce()
    {
        using var server = new LoopbackServer(_ => 503);
        using var probe = new HttpProbe();
        var gate = new HealthGate(new StubRuntime(ContainerState.Running), probe, new HealthStreaks(), TimeProvider.System);

        var healthy = await gate.WaitHealthyAsync(Container(createdSecondsAgo: 61), server.Port, Health, CancellationToken.None);

        healthy.Should().BeFalse();
        server.Requests.Should().Be(1);
    }

    [Test]
    public async Task Gate_ByName_ForAContainerThatIsGone_IsNotHealthyAndProbesNothing()
    {
        using var server = new LoopbackServer(_ => 200);
        using var probe = new HttpProbe();
        var gate = new HealthGate(new StubRuntime(null), probe, new HealthStreaks(), TimeProvider.System);

        var healthy = await gate.WaitHealthyAsync("pcloud-hello-1", server.Port, Health, CancellationToken.None);

        healthy.Should().BeFalse();
        server.Requests.Should().Be(0);
    }

    private static ObservedContainer Container(int createdSecondsAgo = 1) =>
        new("c1", "pcloud-hello-1", Guid.NewGuid(), Guid.NewGuid(), "hash", ContainerState.Running, null, "127.0.0.1",
            DateTimeOffset.UtcNow.AddSeconds(-createdSecondsAgo));

    /// <summary>Answers each request with the status <c>statusOf(n)</c> for the n-th request, then closes the connection.</summary>
    private sealed class LoopbackServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Func<int, int> _statusOf;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _paths = [];
        private readonly Lock _lock = new();

        public LoopbackServer(Func<int, int> statusOf)
        {
            _statusOf = statusOf;
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Requests
        {
            get
            {
                lock (_lock)
                    return _paths.Count;
            }
        }

        public IReadOnlyList<string> Paths
        {
            get
            {
                lock (_lock)
                    return [.. _paths];
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync(_stop.Token) ?? "";
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token)))
                {
                    // Skip the headers.
                }

                int n;
                lock (_lock)
                {
                    _paths.Add(requestLine.Split(' ').ElementAtOrDefault(1) ?? "");
                    n = _paths.Count;
                }

                var status = _statusOf(n);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), _stop.Token);
            }
        }
    }

    /// <summary>Only inspect is asked for; it always reports <paramref name="state"/> (null: the container is gone).</summary>
    private sealed class StubRuntime(ContainerState? state) : IContainerRuntime
    {
        private int _inspections;

        public int Inspections => Volatile.Read(ref _inspections);

        public Task<ObservedContainer?> InspectAsync(string containerIdOrName, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _inspections);
            return Task.FromResult(state is { } s ? Container() with { State = s } : null);
        }

        public Task<IReadOnlyList<ObservedContainer>> ListManagedAsync(Guid? appId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ResolvedImage> EnsureImageAsync(string image, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ResolvedImage?> FindImageAsync(string image, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<ResolvedImage> BuildImageAsync(Stream context, string tag, IReadOnlyDictionary<string, string> labels, Reconciler.Builds.BuildSandbox sandbox, IProgress<string> output,
            CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<BuiltImage>> ListBuiltImagesAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> RemoveImageAsync(string imageId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task EnsureNetworkAsync(string networkName, Guid appId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ObservedNetwork>> ListManagedNetworksAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<Contracts.Hosting.HostCapacity> GetHostCapacityAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task RemoveNetworkAsync(string networkName, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<string> CreateAndStartAsync(ContainerSpec spec, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task StopAndRemoveAsync(string containerId, TimeSpan stopTimeout, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task StopAsync(string containerId, TimeSpan stopTimeout, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<int?> ExecAsync(string containerId, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();
        public IAsyncEnumerable<ContainerLogEntry> FollowLogsAsync(string containerId, DateTimeOffset? since, bool follow, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
        public IAsyncEnumerable<ContainerEvent> WatchEventsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}

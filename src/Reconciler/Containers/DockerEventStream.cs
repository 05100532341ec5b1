using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace PersonalCloud.Reconciler.Containers;

/// <summary>Bridges the engine's callback-style event monitor to an async stream of container events.</summary>
public static class DockerEventStream
{
    /// <summary>Ends quietly on cancellation; throws when the engine fails or closes the stream, so the caller re-watches.</summary>
    public static async IAsyncEnumerable<ContainerEvent> ReadAsync(
        IDockerClient client,
        string labelFilter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var messages = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = PumpAsync(client, labelFilter, messages.Writer, stop.Token);
        try
        {
            while (await WaitToReadAsync(messages.Reader, cancellationToken))
            {
                while (!cancellationToken.IsCancellationRequested && messages.Reader.TryRead(out var message))
                {
                    if (DockerObservedState.ToEvent(message) is { } containerEvent)
                    {
                        yield return containerEvent;
                    }
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await pump;
        }
    }

    private static async Task PumpAsync(
        IDockerClient client,
        string labelFilter,
        ChannelWriter<Message> writer,
        CancellationToken cancellationToken)
    {
        var parameters = new ContainerEventsParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true },
                ["label"] = new Dictionary<string, bool> { [labelFilter] = true },
            },
        };
        try
        {
            await client.System.MonitorEventsAsync(parameters, new ChannelProgress(writer), cancellationToken);
            writer.TryComplete(cancellationToken.IsCancellationRequested ? null : new IOException("The engine closed the event stream."));
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Whatever the transport throws while being torn down is not a failure of the watch.
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(ex);
        }
    }

    private static async Task<bool> WaitToReadAsync(ChannelReader<Message> reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.WaitToReadAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Writes on the engine's reading thread, so events keep their order (Progress&lt;T&gt; would post them to the pool).</summary>
    private sealed class ChannelProgress(ChannelWriter<Message> writer) : IProgress<Message>
    {
        public void Report(Message value) => writer.TryWrite(value);
    }
}

using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Npgsql;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Tests.Problems;

public sealed class FailureStatusTests
{
    [Test]
    public void Of_NoConnectionToPostgres_Is503()
    {
        var refused = new NpgsqlException("Failed to connect to 127.0.0.1:15432", new SocketException((int)SocketError.ConnectionRefused));

        FailureStatus.Of(refused, clientGone: false).Should().Be(503);
    }

    [TestCase("57P01", 503)]
    [TestCase("57P03", 503)]
    [TestCase("53300", 503)]
    [TestCase("08006", 503)]
    [TestCase("23505", 500)]
    [TestCase("42P01", 500)]
    public void Of_AnErrorPostgresAnswered_Is503OnlyWhenItWillNotTakeWork(string sqlState, int status)
    {
        var answered = new PostgresException("message", "FATAL", "FATAL", sqlState);

        FailureStatus.Of(answered, clientGone: false).Should().Be(status);
    }

    [Test]
    public void Of_BadRequest_KeepsItsStatus_AndAGoneClientIs499()
    {
        FailureStatus.Of(new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge), clientGone: false).Should().Be(413);
        FailureStatus.Of(new InvalidOperationException("bug"), clientGone: false).Should().Be(500);
        FailureStatus.Of(new InvalidOperationException("gone"), clientGone: true).Should().Be(499);
    }
}

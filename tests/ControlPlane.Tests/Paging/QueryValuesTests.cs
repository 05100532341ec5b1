using PersonalCloud.ControlPlane.Paging;
using PersonalCloud.ControlPlane.Problems;

namespace PersonalCloud.ControlPlane.Tests.Paging;

public sealed class QueryValuesTests
{
    [TestCase("2025-01-31T23:59:00Z", "2025-01-31T23:59:00.0000000+00:00")]
    [TestCase("2025-01-31t23:59:00z", "2025-01-31T23:59:00.0000000+00:00")]
    [TestCase("2025-01-31 23:59:00Z", "2025-01-31T23:59:00.0000000+00:00")]
    [TestCase("2025-01-31T23:59:00.5+02:00", "2025-01-31T23:59:00.5000000+02:00")]
    [TestCase("2025-01-31T23:59:00.123456789-05:30", "2025-01-31T23:59:00.1234567-05:30")]
    [TestCase("2025-01-31T23:59:00 02:00", "2025-01-31T23:59:00.0000000+02:00")]
    public void Timestamp_Rfc3339_IsParsed(string raw, string expected)
    {
        var errors = new ValidationErrors();
        QueryValues.Timestamp(raw, "since", errors).Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        errors.Any.Should().BeFalse();
        QueryValues.Timestamp(raw, "since", errors)!.Value.Offset.Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).Offset);
    }

    [TestCase("2025-01-31T23:59:00")]
    [TestCase("2025-01-31")]
    [TestCase("2025-13-01T00:00:00Z")]
    [TestCase("2025-02-30T00:00:00Z")]
    [TestCase("1738367940")]
    [TestCase("yesterday")]
    [TestCase("2025-01-31T23:59:00+0200")]
    public void Timestamp_NotRfc3339_IsAnErrorForTheField(string raw)
    {
        var errors = new ValidationErrors();
        QueryValues.Timestamp(raw, "until", errors).Should().BeNull();
        errors.ToDictionary().Should().ContainKey("until");
    }

    [TestCase(null, null)]
    [TestCase("", null)]
    [TestCase("1", 1L)]
    [TestCase("9223372036854775807", long.MaxValue)]
    public void Cursor_PositiveId_IsParsed(string? raw, long? expected)
    {
        var errors = new ValidationErrors();
        QueryValues.Cursor(raw, "before", errors).Should().Be(expected);
        errors.Any.Should().BeFalse();
    }

    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("+5")]
    [TestCase(" 5")]
    [TestCase("1.5")]
    [TestCase("abc")]
    [TestCase("9223372036854775808")]
    public void Cursor_Invalid_IsAnError(string raw)
    {
        var errors = new ValidationErrors();
        QueryValues.Cursor(raw, "before", errors).Should().BeNull();
        errors.ToDictionary().Should().ContainKey("before");
    }

    [TestCase("1", 1)]
    [TestCase("10000", 10000)]
    public void Int_InRange_IsParsed(string raw, int expected) => QueryValues.Int(raw, 1, 10000, "limit", new ValidationErrors()).Should().Be(expected);

    [TestCase("0")]
    [TestCase("10001")]
    [TestCase("-1")]
    [TestCase("ten")]
    public void Int_OutOfRange_IsAnError(string raw)
    {
        var errors = new ValidationErrors();
        QueryValues.Int(raw, 1, 10000, "limit", errors).Should().BeNull();
        errors.ToDictionary()["limit"].Single().Should().Contain("between 1 and 10000");
    }

    [Test]
    public void OneOf_IgnoresCase_AndReturnsTheListedSpelling()
    {
        var errors = new ValidationErrors();
        QueryValues.OneOf("STDERR", ["stdout", "stderr"], "stream", errors).Should().Be("stderr");
        QueryValues.OneOf("both", ["stdout", "stderr"], "stream", errors).Should().BeNull();
        errors.ToDictionary()["stream"].Single().Should().Contain("stdout, stderr");
    }

    [Test]
    public void Window_UntilNotAfterSince_IsAnError()
    {
        var at = DateTimeOffset.UnixEpoch;
        var errors = new ValidationErrors();
        QueryValues.Window(at, at.AddSeconds(1), errors);
        errors.Any.Should().BeFalse();
        QueryValues.Window(at, at, errors);
        errors.ToDictionary().Should().ContainKey("until");
    }
}

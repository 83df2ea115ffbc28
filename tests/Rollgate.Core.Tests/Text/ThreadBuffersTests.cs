using System.Buffers;
using System.Text;
using Rollgate.Core.Text;

namespace Rollgate.Core.Tests.Text;

public sealed class ThreadBuffersTests
{
    [Fact]
    public void ABuilderGivenBack_IsTakenAgainEmpty_AndANestedTakeGetsAnother()
    {
        var outer = ThreadBuffers.TakeBuilder();
        outer.Append("outer");
        var inner = ThreadBuffers.TakeBuilder();

        Assert.NotSame(outer, inner);
        Assert.Equal("inner", ThreadBuffers.ToStringAndGiveBack(inner.Append("inner")));
        Assert.Equal("outer", ThreadBuffers.ToStringAndGiveBack(outer));

        var again = ThreadBuffers.TakeBuilder();
        Assert.Same(outer, again);
        Assert.Equal(0, again.Length);
        ThreadBuffers.ToStringAndGiveBack(again);
    }

    [Fact]
    public void ABuilderGrownPastTheLimit_IsNotKept()
    {
        var big = ThreadBuffers.TakeBuilder();
        big.Append('x', 200_000);
        ThreadBuffers.ToStringAndGiveBack(big);

        var next = ThreadBuffers.TakeBuilder();
        Assert.NotSame(big, next);
        ThreadBuffers.ToStringAndGiveBack(next);
    }

    [Fact]
    public void AUtf8BufferGivenBack_IsTakenAgainEmpty()
    {
        var buffer = ThreadBuffers.TakeUtf8();
        buffer.Write(Encoding.UTF8.GetBytes("a long first text"));
        ThreadBuffers.GiveBack(buffer);

        var again = ThreadBuffers.TakeUtf8();
        Assert.Same(buffer, again);
        Assert.Equal(0, again.WrittenCount);
        ThreadBuffers.GiveBack(again);
    }
}

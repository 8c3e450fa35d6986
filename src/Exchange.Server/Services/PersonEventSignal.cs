namespace Exchange.Server.Services;

/// <summary>
/// Wakes feed subscribers of this process as soon as a change commits. Subscribers also poll, so changes
/// committed by another hub process on the same database arrive too, a moment later.
/// </summary>
public sealed class PersonEventSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes at the next pulse or after <paramref name="poll"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan poll, CancellationToken cancellationToken)
    {
        var next = Volatile.Read(ref _next).Task;
        await Task.WhenAny(next, Task.Delay(poll, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }
}

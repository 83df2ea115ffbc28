using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Rollgate.Benchmarks.Guardian;

/// <summary>
/// An SMTP server on a loopback port that speaks enough of RFC 5321 (EHLO, MAIL, RCPT, DATA, QUIT) for MailKit to
/// deliver to it, and counts the messages it accepts. It answers at once, so a delivery's time is the client's.
/// </summary>
public sealed class LoopbackSmtp : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _received;

    public LoopbackSmtp()
    {
        _listener.Start();
        _accepting = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Received => Volatile.Read(ref _received);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop with one of these.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => Converse(client));
        }
    }

    private async Task Converse(TcpClient client)
    {
        using var _ = client;
        using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 loopback ESMTP bench receiver");
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                case "HELO":
                    await writer.WriteLineAsync("250-loopback\r\n250 8BITMIME");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    while (await reader.ReadLineAsync() is { } data && data != ".")
                    {
                    }

                    Interlocked.Increment(ref _received);
                    await writer.WriteLineAsync("250 2.0.0 OK queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 2.0.0 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 OK");
                    break;
            }
        }
    }
}

/// <summary>A Slack-style incoming webhook on a loopback port (Kestrel): answers every POST with 200 and counts them.</summary>
public sealed class LoopbackWebhook : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;

    private LoopbackWebhook(WebApplication app) => _app = app;

    public int Calls => Volatile.Read(ref _calls);

    public Uri Url => new(_app.Urls.First() + "/hook");

    public static async Task<LoopbackWebhook> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackWebhook(app);
        app.MapPost("/hook", receiver.Handle);
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> Handle(HttpRequest request)
    {
        Interlocked.Increment(ref _calls);
        using var reader = new StreamReader(request.Body);
        await reader.ReadToEndAsync();
        return Results.Ok();
    }
}

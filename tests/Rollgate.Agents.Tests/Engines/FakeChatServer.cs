using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Rollgate.Agents.Tests.Engines;

/// <summary>What the fake model does with one request.</summary>
internal sealed record Reply(int Status = 200, string? Content = null, string? RawBody = null, TimeSpan Delay = default,
    string Model = FakeChatServer.ServedModel, int PromptTokens = 100, int CompletionTokens = 20)
{
    /// <summary>A chat completion whose message content is <paramref name="content"/>, JSON or not.</summary>
    public static Reply Answer(string content) => new(Content: content);

    /// <summary>A chat completion whose content is a JSON object of these words.</summary>
    public static Reply Words(params (string Field, string Text)[] words)
    {
        var obj = new JsonObject();
        foreach (var (field, text) in words)
        {
            obj[field] = text;
        }

        return new(Content: obj.ToJsonString());
    }

    public static Reply Fail(int status) => new(Status: status);

    /// <summary>A 200 response whose body is not a chat completion at all.</summary>
    public static Reply Raw(string body) => new(RawBody: body);

    public Reply After(TimeSpan delay) => this with { Delay = delay };
}

/// <summary>
/// A language model on loopback: a real Kestrel server speaking OpenAI's chat completions protocol
/// (POST /v1/chat/completions), answering from a per-test script and recording every request it received.
/// </summary>
internal sealed class FakeChatServer : IAsyncDisposable
{
    public const string ServedModel = "served-model-1";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Reply> _script = new();
    private readonly ConcurrentQueue<Received> _received = new();
    private int _count;

    private FakeChatServer(WebApplication app) => _app = app;

    /// <summary>The base address to configure the engine with (…/v1).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The reply once the script has run out: by default a 599, so that an unscripted request shows up as a failure.</summary>
    public Func<JsonObject, Reply> Otherwise { get; set; } = _ => Reply.Fail(599);

    public IReadOnlyList<Received> Requests => [.. _received];

    public static async Task<FakeChatServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeChatServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.Endpoint = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>The next replies, in order, before <see cref="Otherwise"/> takes over.</summary>
    public void Script(params Reply[] replies)
    {
        foreach (var r in replies)
        {
            _script.Enqueue(r);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!;
        _received.Enqueue(new Received(body, context.Request.Headers.Authorization.ToString()));
        var reply = _script.TryDequeue(out var next) ? next : Otherwise(body);
        var n = Interlocked.Increment(ref _count);

        if (reply.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(reply.Delay, TimeProvider.System, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up, as it should
            }
        }

        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        if (reply.Status != 200)
        {
            await context.Response.WriteAsync(new JsonObject { ["error"] = new JsonObject { ["message"] = "scripted failure", ["type"] = "server_error" } }.ToJsonString());
            return;
        }

        if (reply.RawBody is not null)
        {
            await context.Response.WriteAsync(reply.RawBody);
            return;
        }

        var completion = new JsonObject
        {
            ["id"] = $"chatcmpl-{n}",
            ["object"] = "chat.completion",
            ["created"] = 1_741_600_000,
            ["model"] = reply.Model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = reply.PromptTokens,
                ["completion_tokens"] = reply.CompletionTokens,
                ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
            },
        };
        await context.Response.WriteAsync(completion.ToJsonString());
    }
}

/// <summary>One request as the server received it.</summary>
internal sealed record Received(JsonObject Body, string Authorization)
{
    public JsonArray Messages => Body["messages"]!.AsArray();

    public string Message(string role) =>
        Messages.Where(m => (string?)m!["role"] == role).Select(m => Text(m!["content"])).LastOrDefault() ?? "";

    public string FirstMessage(string role) =>
        Messages.Where(m => (string?)m!["role"] == role).Select(m => Text(m!["content"])).FirstOrDefault() ?? "";

    /// <summary>Content is a string, or (in some clients) an array of text parts.</summary>
    private static string Text(JsonNode? content) => content switch
    {
        JsonArray parts => string.Concat(parts.Select(p => (string?)p?["text"] ?? "")),
        null => "",
        _ => (string?)content ?? "",
    };
}

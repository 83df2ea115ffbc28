using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace Rollgate.Server.Notifications;

/// <summary>The outcome of one delivery attempt: whether the channel answered with success, and what it said.</summary>
public readonly record struct Delivery(bool Answered, string Detail)
{
    public static Delivery Pending { get; } = new(false, "not attempted");
}

/// <summary>Posts messages to a Slack incoming webhook (<c>{"text": ...}</c> as JSON).</summary>
public sealed class SlackWebhook(HttpClient http, IOptions<RollgateOptions> options)
{
    public bool IsConfigured => options.Value.Slack.WebhookUrl is not null;

    public async Task<Delivery> SendAsync(string text, CancellationToken ct = default)
    {
        var url = options.Value.Slack.WebhookUrl ?? throw new InvalidOperationException("Rollgate:Slack:WebhookUrl is not set");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.Slack.Timeout);
        try
        {
            using var response = await http.PostAsJsonAsync(url, new { text }, timeout.Token);
            return response.IsSuccessStatusCode
                ? new Delivery(true, $"answered {(int)response.StatusCode}")
                : new Delivery(false, $"failed: HTTP {(int)response.StatusCode}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Delivery(false, $"failed: no answer within {options.Value.Slack.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return new Delivery(false, "failed: " + ex.Message);
        }
    }
}

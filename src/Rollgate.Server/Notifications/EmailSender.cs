using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Rollgate.Server.Notifications;

/// <summary>Sends one email through the configured SMTP relay (MailKit).</summary>
public sealed class EmailSender(IOptions<RollgateOptions> options)
{
    public bool IsConfigured => options.Value.Smtp is { Host: { Length: > 0 }, From: { Length: > 0 } };

    public async Task<Delivery> SendAsync(string to, string subject, string body, CancellationToken ct = default)
    {
        var smtp = options.Value.Smtp;
        if (smtp is not { Host: { } host, From: { } from })
        {
            return new Delivery(false, "failed: Rollgate:Smtp:Host and Rollgate:Smtp:From are not set");
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(smtp.Timeout);
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(host, smtp.Port, SecureSocketOptions.StartTlsWhenAvailable, timeout.Token);
            if (smtp.User is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, Environment.GetEnvironmentVariable(smtp.PasswordVariable) ?? "", timeout.Token);
            }

            var answer = await client.SendAsync(message, timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
            return new Delivery(true, "answered: " + answer.Trim());
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Delivery(false, $"failed: no answer from {host}:{smtp.Port} within {smtp.Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException or ParseException or AuthenticationException)
        {
            return new Delivery(false, "failed: " + ex.Message);
        }
    }
}

using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Rollgate.Server.Notifications;

/// <summary>One email to send: to whom, its subject and its text.</summary>
public sealed record Email(string To, string Subject, string Body);

/// <summary>
/// Sends email through the configured SMTP relay (MailKit), many messages in one session: a relay that does not
/// answer costs one timeout for the whole batch, not one per recipient.
/// </summary>
public sealed class EmailSender(IOptions<RollgateOptions> options)
{
    public bool IsConfigured => options.Value.Smtp is { Host: { Length: > 0 }, From: { Length: > 0 } };

    public async Task<Delivery> SendAsync(string to, string subject, string body, CancellationToken ct = default)
    {
        var result = Delivery.Pending;
        await SendManyAsync([new Email(to, subject, body)], (_, d) => result = d, ct);
        return result;
    }

    /// <summary>Sends <paramref name="emails"/> in one session; <paramref name="each"/> hears how each one went, in order.</summary>
    public async Task SendManyAsync(IReadOnlyList<Email> emails, Action<int, Delivery> each, CancellationToken ct = default)
    {
        var smtp = options.Value.Smtp;
        if (smtp is not { Host: { } host, From: { } from })
        {
            FailRest(emails, 0, each, "failed: Rollgate:Smtp:Host and Rollgate:Smtp:From are not set");
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(smtp.Timeout);
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        var sent = 0;
        try
        {
            // With a login, the password never crosses the wire in clear: TLS is required, not merely welcome.
            var security = smtp.Port == 465 ? SecureSocketOptions.SslOnConnect
                : smtp.User is { Length: > 0 } ? SecureSocketOptions.StartTls
                : SecureSocketOptions.StartTlsWhenAvailable;
            await client.ConnectAsync(host, smtp.Port, security, timeout.Token);
            if (smtp.User is { Length: > 0 } user)
            {
                await client.AuthenticateAsync(user, Environment.GetEnvironmentVariable(smtp.PasswordVariable) ?? "", timeout.Token);
            }

            for (; sent < emails.Count; sent++)
            {
                // Each step gets the whole timeout: a slow relay is waited for, a silent one costs one timeout.
                timeout.CancelAfter(smtp.Timeout);
                try
                {
                    var answer = await client.SendAsync(Message(from, emails[sent]), timeout.Token);
                    each(sent, new Delivery(true, "answered: " + answer.Trim()));
                }
                catch (Exception ex) when (ex is SmtpCommandException or ParseException)
                {
                    // This message was refused (a bad address, say); the session goes on with the next.
                    each(sent, new Delivery(false, "failed: " + ex.Message));
                }
            }

            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            FailRest(emails, sent, each, $"failed: no answer from {host}:{smtp.Port} within {smtp.Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or SmtpCommandException or IOException or System.Net.Sockets.SocketException or AuthenticationException or NotSupportedException or TimeoutException)
        {
            FailRest(emails, sent, each, "failed: " + ex.Message);
        }
    }

    private static MimeMessage Message(string from, Email email)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(email.To));
        message.Subject = email.Subject;
        message.Body = new TextPart("plain") { Text = email.Body };
        return message;
    }

    private static void FailRest(IReadOnlyList<Email> emails, int from, Action<int, Delivery> each, string detail)
    {
        for (var i = from; i < emails.Count; i++)
        {
            each(i, new Delivery(false, detail));
        }
    }
}

using System.CommandLine;
using Rollgate.Agents.Engines;

namespace Rollgate.Cli.Output;

/// <summary>The options that choose and configure an agent engine: builtin (default, offline) or chat.</summary>
public sealed class EngineOptions
{
    private readonly Option<string> _engine = new("--engine") { Description = "builtin (deterministic, offline; the default) or chat (an OpenAI-compatible endpoint)", DefaultValueFactory = _ => "builtin" };
    private readonly Option<string> _endpoint = new("--endpoint") { Description = "chat: the OpenAI-compatible base URL, e.g. https://WORKSPACE/serving-endpoints or http://127.0.0.1:11434/v1" };
    private readonly Option<string> _model = new("--model") { Description = "chat: the model (for Databricks Model Serving, the serving endpoint's name)" };
    private readonly Option<string> _keyVariable = new("--api-key-env") { Description = "chat: the name of the environment variable that holds the API key", DefaultValueFactory = _ => "ROLLGATE_CHAT_API_KEY" };
    private readonly Option<double> _timeout = new("--timeout") { Description = "chat: seconds to wait for each attempt", DefaultValueFactory = _ => 30 };

    public static EngineOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(_engine);
        command.Options.Add(_endpoint);
        command.Options.Add(_model);
        command.Options.Add(_keyVariable);
        command.Options.Add(_timeout);
    }

    public IAgentEngine Build(ParseResult parse)
    {
        var name = parse.GetValue(_engine) ?? "builtin";
        return name switch
        {
            "builtin" => new BuiltinEngine(),
            "chat" => BuildChat(parse),
            _ => throw new UsageException($"--engine: unknown engine '{name}' (builtin or chat)"),
        };
    }

    private IAgentEngine BuildChat(ParseResult parse)
    {
        var endpoint = parse.GetValue(_endpoint) ?? throw new UsageException("--endpoint is required with --engine chat");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--endpoint: '{endpoint}' is not an http(s) URL");
        }

        var model = parse.GetValue(_model) ?? throw new UsageException("--model is required with --engine chat");
        var timeout = parse.GetValue(_timeout);
        if (timeout <= 0)
        {
            throw new UsageException($"--timeout: {timeout} must be a positive number of seconds");
        }

        try
        {
            return new ChatEngine(new ChatEngineOptions
            {
                Endpoint = uri,
                Model = model,
                ApiKeyVariable = parse.GetValue(_keyVariable),
                Timeout = TimeSpan.FromSeconds(timeout),
            });
        }
        catch (EngineConfigurationException ex)
        {
            throw new UsageException(ex.Message);
        }
    }
}

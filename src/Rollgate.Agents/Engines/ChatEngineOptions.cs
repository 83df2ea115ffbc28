namespace Rollgate.Agents.Engines;

/// <summary>
/// Where the chat engine finds its model: any endpoint that speaks OpenAI's chat completions protocol.
/// Databricks Model Serving: <c>https://&lt;workspace&gt;/serving-endpoints</c> with the serving endpoint's name as
/// <see cref="Model"/>; OpenAI: <c>https://api.openai.com/v1</c>; Ollama: <c>http://localhost:11434/v1</c>;
/// vLLM: <c>http://host:8000/v1</c>.
/// </summary>
public sealed record ChatEngineOptions
{
    /// <summary>The base address; <c>chat/completions</c> is appended to it.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The model to ask for (for Databricks, the serving endpoint's name).</summary>
    public string? Model { get; init; }

    /// <summary>
    /// The name of the environment variable that holds the API key (never the key itself, so it stays out of files
    /// and logs). Leave it unset for a local server that takes no key (Ollama, vLLM).
    /// </summary>
    public string? ApiKeyVariable { get; init; }

    /// <summary>How long one attempt may take before it is abandoned (and retried while retries remain).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a failed attempt (timeout, 408, 429, 5xx, connection failure) is tried again.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>The first wait before a retry; later waits grow exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Sampling temperature: 0, because the engine restates facts and should say them the same way each time.</summary>
    public float Temperature { get; init; }

    /// <summary>A cap on the words written per request.</summary>
    public int MaxOutputTokens { get; init; } = 1024;

    /// <summary>What is wrong with these options, one sentence each; empty when they can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add("the endpoint must be an absolute http or https address, e.g. https://<workspace>/serving-endpoints");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            problems.Add("the model must be named (for Databricks, the serving endpoint's name)");
        }

        if (ApiKeyVariable is not null && string.IsNullOrWhiteSpace(ApiKeyVariable))
        {
            problems.Add("the API key variable, when given, must be the name of an environment variable");
        }

        if (Timeout < TimeSpan.FromMilliseconds(10) || Timeout > TimeSpan.FromDays(1))
        {
            problems.Add("the timeout must be between 10 ms and a day");
        }

        if (MaxRetries is < 0 or > 10)
        {
            problems.Add("max retries must be between 0 and 10");
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromDays(1))
        {
            problems.Add("the retry delay must be between 0 and a day");
        }

        if (Temperature is < 0 or > 2)
        {
            problems.Add("the temperature must be between 0 and 2");
        }

        if (MaxOutputTokens <= 0)
        {
            problems.Add("max output tokens must be positive");
        }

        return problems;
    }
}

/// <summary>The chat engine cannot start: its options are wrong or its API key variable is not set.</summary>
public sealed class EngineConfigurationException(string message) : Exception(message);

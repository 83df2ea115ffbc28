using Rollgate.Cli;

return await RollgateApp.RunAsync(args, Console.Out, Console.Error, TimeProvider.System, interactive: !Console.IsErrorRedirected);

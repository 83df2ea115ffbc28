using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Rollgate.Benchmarks -- --filter '*Import*'   (see bench/README.md)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

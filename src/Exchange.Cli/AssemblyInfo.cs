[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Exchange.Cli.Tests")]

using System.CommandLine;

var root = new RootCommand("genmerge: merge pretrained GANs into one conditional generator (GAN Cocktail)");
return root.Parse(args).Invoke();

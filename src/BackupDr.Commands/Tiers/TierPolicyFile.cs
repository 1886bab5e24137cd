using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Language;
using BackupDr.Core.Operations;

namespace BackupDr.Commands
{
    /// <summary>
    /// Reads a tier policy file: JSON through Core, psd1 through PowerShell's own parser (only this layer has it), both
    /// into the same document tree, so Core applies one set of rules and every error names the line.
    /// </summary>
    internal static class TierPolicyFile
    {
        /// <summary>Loads the policy at a file-system path; TierPolicyNotFound or TierPolicyInvalid otherwise.</summary>
        public static TierPolicy Load(string path)
        {
            if (!File.Exists(path))
            {
                throw new DrValidationException("TierPolicyNotFound", "PolicyPath", path, $"-PolicyPath '{path}' does not exist. Nothing was sent.", DrErrorKind.ObjectNotFound);
            }

            var extension = Path.GetExtension(path);
            if (string.Equals(extension, ".json", StringComparison.OrdinalIgnoreCase))
            {
                return TierPolicy.ParseJson(File.ReadAllText(path), path);
            }

            if (string.Equals(extension, ".psd1", StringComparison.OrdinalIgnoreCase))
            {
                return TierPolicy.FromDocument(ReadPsd1(path), path);
            }

            throw new DrValidationException("TierPolicyInvalid", "PolicyPath", path, $"Tier policy {path}: a tier policy file is a .psd1 or a .json file. Nothing was sent.", DrErrorKind.InvalidData);
        }

        /// <summary>A psd1 file as a document tree: one hashtable of constants (strings, numbers, nested hashtables).</summary>
        internal static PolicyValue ReadPsd1(string path)
        {
            var ast = Parser.ParseFile(path, out _, out var errors);
            if (errors != null && errors.Length > 0)
            {
                throw new TierPolicyException(path, errors[0].Extent.StartLineNumber, "this is not valid PowerShell data: " + errors[0].Message);
            }

            var statements = ast.EndBlock?.Statements;
            if (ast.ParamBlock != null || ast.BeginBlock != null || ast.ProcessBlock != null || statements == null || statements.Count != 1)
            {
                var line = statements != null && statements.Count > 1 ? statements[1].Extent.StartLineNumber : 1;
                throw new TierPolicyException(path, line, "a .psd1 tier policy holds one hashtable, @{ Tiers = @{ Gold = @{ Rpo = '15m'; Rto = '1h' } } }, and nothing else.");
            }

            if (!((statements[0] as PipelineAst)?.GetPureExpression() is HashtableAst root))
            {
                throw new TierPolicyException(path, statements[0].Extent.StartLineNumber, "a .psd1 tier policy holds one hashtable, @{ Tiers = @{ ... } }.");
            }

            return Convert(root, path);
        }

        private static PolicyValue Convert(ExpressionAst expression, string path)
        {
            var line = expression.Extent.StartLineNumber;
            if (expression is HashtableAst table)
            {
                var members = new List<PolicyMember>();
                foreach (var pair in table.KeyValuePairs)
                {
                    var key = pair.Item1 is StringConstantExpressionAst s ? s.Value : Constant(pair.Item1, path)?.ToString() ?? string.Empty;
                    var value = (pair.Item2 as PipelineAst)?.GetPureExpression()
                        ?? throw new TierPolicyException(path, pair.Item2.Extent.StartLineNumber, $"the value of '{key}' is not a constant: write a string, a number or a hashtable.");
                    members.Add(new PolicyMember(key, pair.Item1.Extent.StartLineNumber, Convert(value, path)));
                }

                return new PolicyValue(line, members);
            }

            var scalar = Constant(expression, path);
            if (scalar is Array)
            {
                throw new TierPolicyException(path, line, "a list is not allowed here: a policy holds hashtables, numbers and strings.");
            }

            return new PolicyValue(line, scalar);
        }

        /// <summary>The value of a constant expression; variables, commands and sub-expressions are refused (a policy is data).</summary>
        private static object? Constant(ExpressionAst expression, string path)
        {
            try
            {
                return expression.SafeGetValue();
            }
            catch (InvalidOperationException)
            {
                throw new TierPolicyException(path, expression.Extent.StartLineNumber, $"'{expression.Extent.Text}' is not a constant: write a string, a number or a hashtable.");
            }
        }
    }

    /// <summary>-PolicyPath as a file-system path, relative to the current location.</summary>
    internal static class TierPolicyPaths
    {
        public static string Resolve(PSCmdlet cmdlet, string path)
        {
            return FileSystemPaths.Resolve(cmdlet, path, "PolicyPath", "TierPolicyNotFound", DrErrorKind.ObjectNotFound);
        }
    }
}

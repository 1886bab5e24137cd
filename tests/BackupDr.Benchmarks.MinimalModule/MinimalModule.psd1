@{
    RootModule      = 'BackupDr.Benchmarks.MinimalModule.dll'
    ModuleVersion   = '1.0.0'
    GUID            = '0f6b7c1e-4d2a-4f3b-9a57-3c8e2b1d6a90'
    CmdletsToExport = @('Get-MinimalThing')
}

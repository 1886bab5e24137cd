# BackupDr tier policy, for Get-DrTier -PolicyPath and Get-DrProtectionStatus -PolicyPath.
# It overrides BackupDr's default objectives (Gold RPO 5 min / RTO 15 min, Silver 1 h / 4 h, Bronze 24 h / 1 day).
# A value is minutes as a number, or a string such as '90s', '15m', '4h', '1d' or '01:30:00' (1 minute to 366 days).
# Tiers left out, and Rpo or Rto left out of a tier, keep their defaults. Per resource, the DrRpoMinutes and
# DrRtoMinutes tags override a tier's numbers (whole minutes).
@{
    Tiers = @{
        Gold   = @{ Rpo = '15m'; Rto = '1h' }
        Bronze = @{ Rpo = '4d' }
    }
}

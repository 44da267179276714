"""Hand-written source table: the 15 built-in security controls.

Facts (GUID, display name, max score, membership) come from the seed's
"Security controls and their recommendations" table, as transcribed in
../shared/data/catalog/controls.json.  The descriptions are our own words.
Membership is not repeated here: build_catalog.py reads it from the shared
transcription (or from the committed controls.json when the shared folder is
absent) so that there is exactly one list to keep in step with the seed.
"""

# (GUID, displayName, maxScore, our description)
CONTROLS = [
    ("34a42fb3-e6db-409c-b56b-7b1db6b8aee0", "Enable MFA", 10,
     "Checks that every account able to change or read subscription resources signs in with "
     "a second factor. Security defaults, per-user MFA and conditional access all satisfy it."),
    ("52901099-235c-4971-b9d5-a33fca3a936e", "Secure management ports", 8,
     "Limits how exposed remote-administration ports such as RDP and SSH are to the internet, "
     "using network security groups and just-in-time access."),
    ("61702b76-1fab-41f2-bcbc-50b7870dcf38", "Apply system updates", 6,
     "Checks that machines report their patch state and have pending security and critical "
     "updates installed."),
    ("05daab2e-f074-4601-ac10-aadf5c9c50f6", "Remediate vulnerabilities", 6,
     "Checks that vulnerability scanning runs on machines, images, functions and code "
     "repositories, and that the findings it reports are fixed."),
    ("99fc8df2-e0f5-40f8-9415-a7f7ca948b5a", "Remediate security configurations", 4,
     "Finds operating-system, database and cluster settings that deviate from a hardened "
     "baseline, so that they can be corrected."),
    ("2d85f639-0bea-4a4a-b6c6-608952a1414a", "Manage access and permissions", 4,
     "Applies least privilege: removes stale, blocked and guest accounts, prefers managed "
     "identities and directory authentication, and restricts privileged workloads."),
    ("8fd574ec-43cf-426e-a439-a67cbaf2d564", "Enable encryption at rest", 4,
     "Checks that stored data such as databases, disks and cluster traffic keys is encrypted "
     "where it is kept."),
    ("0e55495e-034f-4abc-8293-767229250176", "Encrypt data in transit", 4,
     "Checks that services accept only encrypted connections with current TLS versions, so that "
     "traffic cannot be read or altered on the way."),
    ("f9d5432b-8f7b-45e9-b90c-e214a30f6a02", "Restrict unauthorized network access", 4,
     "Reduces network exposure: private endpoints for platform services, firewalls and network "
     "rules, tight security group rules and restricted cluster networking."),
    ("a000c66f-6da2-4f9d-826d-2364347d2588", "Apply adaptive application control", 3,
     "Checks that machines run only approved applications, using allowlists learnt from their "
     "normal behaviour and kept up to date."),
    ("a9909064-42b4-4d34-8143-275477afe18b", "Protect applications against DDoS attacks", 2,
     "Checks that internet-facing applications sit behind DDoS protection and a web application "
     "firewall, and that cluster workloads have resource limits."),
    ("12136bd9-dc24-44f2-9587-7be3af6aac14", "Enable endpoint protection", 2,
     "Checks that machines run a healthy anti-malware or endpoint detection and response agent "
     "and report to a monitoring workspace."),
    ("27b24961-75ba-4fe4-8909-97286d5dd5ee", "Enable auditing and logging", 1,
     "Checks that services keep audit and diagnostic logs, which investigations and "
     "troubleshooting depend on."),
    ("4db8d6cf-075b-4149-a813-da09ca2ae120", "Enable enhanced security features", 0,
     "Checks that the optional threat-protection plans and scanners are switched on for each "
     "kind of resource. It adds no points to the score."),
    ("76763537-9feb-42d3-b4f4-78c01117be80", "Implement security best practices", 0,
     "Collects recommendations that improve security but do not move the score, for example "
     "backups, key expiry and customer-managed keys."),
]

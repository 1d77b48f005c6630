"""The demo's knowledge articles: what the desk has written down about the demo's common
ticket stories (demo/stories.py: VPN, mail, printing, passwords, shares, Wi-Fi, laptops).

Each is (title, symptoms, cause, resolution, extras); extras say who it is for
(audience), how far it is trusted (confidence), its category, services, asset kinds,
owner, how many days ago it was written ("age") and when it is due for review ("review",
days from today; negative is overdue). demo/knowledge.py writes them.
"""

PUBLIC, CUSTOMERS, INTERNAL = "public", "customers", "internal"
DRAFT, NOT_VALIDATED, VALIDATED = "draft", "not_validated", "validated"

ARTICLES = (
    ("VPN drops every few minutes at home",
     "The VPN connects, then drops after 5 to 30 minutes, often on home Wi-Fi.",
     "Older VPN clients give up when the connection is quiet for a moment (dead peer "
     "detection), which some home routers cause.",
     "1. Open the VPN client and check **Help → About**: you need version 4.10 or newer.\n"
     "2. If it is older, install the current client from the portal's software page.\n"
     "3. Still dropping? Try once with a network cable and tell us in a ticket whether "
     "that helps.",
     {"audience": CUSTOMERS, "category": "Network", "services": ["VPN"], "owner": "dee",
      "age": 80, "review": 90}),
    ("VPN says 'authentication failed'",
     "The VPN client says *authentication failed* although your password is right.",
     "After a password change the VPN still uses the old one, or your account is not in "
     "the remote-access group.",
     "Sign in to the portal with your new password first, then type the new password in "
     "the VPN client (do not use a saved one). If it still fails, file a ticket: we check "
     "your remote-access group.",
     {"audience": CUSTOMERS, "category": "Network", "services": ["VPN"], "owner": "dee",
      "age": 75, "review": 120}),
    ("Install or update the VPN client",
     "You work from home or on the road and need the VPN, or the client asks to update.",
     "",
     "Download the current VPN client (version 4.10) from the portal's software page, "
     "install it and sign in with your usual account. Your settings are kept.",
     {"audience": PUBLIC, "category": "Network", "services": ["VPN"], "owner": "dee",
      "age": 70, "review": 60}),
    ("VPN users in the wrong RADIUS group after the directory sync",
     "Several users get *authentication failed* on the VPN after the nightly directory sync.",
     "The sync maps accounts with a clashing name to the wrong group on radius-01.",
     "On radius-01, check the user's group (`radius-groups show <user>`), move them back "
     "to *vpn-staff* and run the sync again with `--only <user>`.",
     {"audience": INTERNAL, "category": "Network", "services": ["VPN"], "owner": "dee",
      "asset_kinds": ["server"], "age": 50, "review": 30}),
    ("Outlook keeps asking for my password",
     "Outlook shows a password prompt again and again, often after an update or a "
     "password change.",
     "Outlook holds on to old credentials in Windows Credential Manager.",
     "1. Close Outlook.\n2. Open **Credential Manager → Windows Credentials** and remove "
     "every entry starting with *MicrosoftOffice*.\n3. Start Outlook and sign in once.",
     {"audience": CUSTOMERS, "category": "Email", "services": ["Email"], "owner": "dee",
      "age": 85, "review": -5}),
    ("Emails to an outside domain bounce back",
     "Mail to one company comes back with *550 rejected* or never arrives.",
     "Their mail server, or ours, is on a public block list.",
     "Forward one bounce message to the service desk as an attachment; we check the "
     "gateway log and allow-list the sender if it is safe.",
     {"audience": CUSTOMERS, "confidence": NOT_VALIDATED, "category": "Email",
      "services": ["Email"], "owner": "dan", "age": 40, "review": 45}),
    ("Allow-list a sender on the mail gateway",
     "A partner's mail is held or rejected by mx-gw-1.",
     "The partner's server is on a block list we subscribe to.",
     "On mx-gw-1: **Policies → Allow list → Add**, the sender domain, a reason and the "
     "ticket number; then release the held messages from the quarantine.",
     {"audience": INTERNAL, "category": "Email", "services": ["Email"], "owner": "dan",
      "asset_kinds": ["network"], "age": 60, "review": 90}),
    ("Get access to a shared mailbox",
     "You need to read or send from a team's shared mailbox.",
     "",
     "File a request naming the mailbox; its owner approves in the ticket. The mailbox "
     "shows up in Outlook within an hour of our reply.",
     {"audience": PUBLIC, "category": "Email", "services": ["Email"], "owner": "dee",
      "age": 88, "review": 180}),
    ("Printer jams or prints streaks",
     "Paper jams on every few pages, or prints have grey streaks.",
     "Worn rollers or a failing fuser.",
     "Open the front panel and remove any torn paper. If it jams again, file a ticket "
     "with the printer's name (on the sticker); we clean or replace the parts.",
     {"audience": CUSTOMERS, "category": "Printing", "services": ["Printing"],
      "owner": "dan", "age": 65, "review": 60}),
    ("Print jobs stuck in the queue",
     "You print, nothing comes out, and the job stays *in queue*.",
     "The print server's spooler stopped, usually overnight.",
     "Wait five minutes and print again: the desk restarts the spooler when its check "
     "fails. Still stuck? File a ticket and say which printer.",
     {"audience": CUSTOMERS, "confidence": NOT_VALIDATED, "category": "Printing",
      "services": ["Printing"], "owner": "dan", "age": 30, "review": 60}),
    ("Restart the print spooler on print-01",
     "Jobs for every printer stay queued; print-01 shows the spooler stopped.",
     "The spooler crashes on a malformed driver package now and then.",
     "On print-01: `Restart-Service Spooler`, then clear jobs older than an hour with "
     "`Get-PrintJob`. Note the crash time in the ticket.",
     {"audience": INTERNAL, "category": "Printing", "services": ["Printing"],
      "owner": "dan", "asset_kinds": ["server"], "age": 90, "review": -20}),
    ("Reset your password",
     "You forgot your password, or it expired.",
     "Passwords expire every 180 days.",
     "On the sign-in page choose **Forgot password** and follow the text message. Then "
     "type the new password on your phone's mail and in the VPN client too.",
     {"audience": PUBLIC, "category": "Access & accounts", "owner": "dee", "age": 89,
      "review": 120}),
    ("New phone: move your MFA authenticator",
     "You have a new phone and the sign-in asks for a code you cannot get.",
     "The authenticator app is tied to the old phone.",
     "If you still have the old phone, add the new one under **Security info** first. "
     "If not, call the service desk: we check who you are and reset your MFA.",
     {"audience": CUSTOMERS, "category": "Access & accounts", "owner": "dee", "age": 55,
      "review": 90}),
    ("Access denied on a shared drive",
     "A department drive you used yesterday says *access denied*.",
     "You were removed from the drive's group, often by the leavers script.",
     "Sign out and in once. If it still fails, file a ticket naming the drive; your "
     "manager may need to approve.",
     {"audience": CUSTOMERS, "category": "Access & accounts", "services": ["File shares"],
      "owner": "dee", "age": 45, "review": 90}),
    ("Restore a deleted file or folder",
     "You deleted a file or folder on a shared drive, or need yesterday's version.",
     "",
     "Right-click the folder, **Properties → Previous versions**: pick yesterday and "
     "*Restore*. Older than a week? File a request: we restore from the backup.",
     {"audience": CUSTOMERS, "confidence": NOT_VALIDATED, "category": "Other",
      "services": ["File shares"], "owner": "ada", "age": 70, "review": -3}),
    ("Shared drive full: find what filled it",
     "A department drive is at 100 % and nobody can save.",
     "Usually one large copy (video, exports).",
     "Run the size report on fs-01 (`du-report <share>`), ask the owner of the largest "
     "folders, move archives to cold storage.",
     {"audience": INTERNAL, "confidence": DRAFT, "category": "Other",
      "services": ["File shares"], "owner": "ada", "asset_kinds": ["server"], "age": 12}),
    ("No or slow Wi-Fi in a meeting room",
     "The room has no Wi-Fi, or it is very slow.",
     "An access point that reboots or has failed.",
     "Try the room next door. Then file a ticket with the room number: we see the access "
     "point on the controller and replace it if it failed.",
     {"audience": CUSTOMERS, "category": "Network", "services": ["Wi-Fi"], "owner": "dee",
      "age": 60, "review": 90}),
    ("Guest Wi-Fi for visitors",
     "Visitors need internet access in the office.",
     "",
     "File a request with the dates and the number of visitors; we send you guest codes "
     "by email, valid for the days asked.",
     {"audience": PUBLIC, "category": "Network", "services": ["Wi-Fi"], "owner": "dee",
      "age": 84, "review": 180}),
    ("Dock doesn't detect my second monitor",
     "One monitor works, the second stays black on the dock.",
     "An outdated dock firmware or display driver.",
     "Unplug the dock's power for ten seconds. Then run **Software Center → Dock "
     "update**. Still black? File a ticket with the dock's model.",
     {"audience": CUSTOMERS, "confidence": NOT_VALIDATED, "category": "Hardware",
      "services": ["Laptops"], "owner": "dan", "age": 25, "review": 60}),
    ("Laptop won't boot after an update",
     "The laptop restarts in a loop or shows a blue screen after updates.",
     "A faulty driver in an update.",
     "Hold the power button for 10 seconds, start again and choose **Startup repair → "
     "Uninstall latest quality update**. If that fails, bring it to the service desk.",
     {"audience": CUSTOMERS, "category": "Hardware", "services": ["Laptops"],
      "owner": "dan", "age": 35, "review": -10}),
    ("ERP month-end reports are slow",
     "Month-end reports take many minutes or time out.",
     "A missing index on the ledger table after an upgrade.",
     "Check `pg_stat_statements` on erp-db-1 for the report's query, and add the index "
     "from the upgrade notes.",
     {"audience": INTERNAL, "confidence": NOT_VALIDATED, "category": "Software",
      "services": ["ERP"], "owner": "dan", "asset_kinds": ["database"], "age": 20,
      "review": 30}),
)

# Written once and later retired: the client version it describes is gone.
ARCHIVED = (
    "Install the VPN client 3.9",
    "You need the VPN client.",
    "",
    "Download VPN client 3.9 from the software page.",
    {"audience": PUBLIC, "category": "Network", "services": ["VPN"], "owner": "dee",
     "age": 90, "archived": 72},
)

# What people searched for (query, how often), over the history; the last ones find
# nothing, which is what the manager's "searches with no good result" lists.
SEARCHES = (
    ("vpn", 14), ("vpn authentication failed", 6), ("outlook password", 9),
    ("printer jam", 6), ("print queue stuck", 4), ("reset password", 10),
    ("new phone mfa", 5), ("shared drive access denied", 5), ("restore deleted file", 4),
    ("wifi meeting room", 5), ("guest wifi", 3), ("second monitor dock", 4),
    ("laptop won't boot", 3), ("shared mailbox", 4),
    ("teams background", 4), ("parking badge", 3), ("expense claim", 3),
    ("zoom licence", 2), ("phone voicemail", 2),
)

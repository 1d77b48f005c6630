"""What the demo and scale data are made of: people, teams, services, and ticket stories.

Only data and pure text helpers live here; `manage.py seed_demo` decides how it is
written. Every choice goes through a `random.Random` passed in, so a fixed seed gives
the same data on every machine.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from itsm import roles
from tickets.models import Kind, Level, Source, Status

DEMO_PASSWORD = "demo"  # noqa: S105 - printed on the login banner on purpose


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    job_title: str
    teams: tuple[str, ...] = ()
    is_staff: bool = False


USERS = (
    DemoUser("alice", "Alice", "Archer", roles.END_USER, "Accountant, Finance"),
    DemoUser("bob", "Bob", "Baker", roles.END_USER, "Account manager, Sales"),
    DemoUser("carol", "Carol", "Cooper", roles.END_USER, "HR advisor"),
    DemoUser("dee", "Dee", "Desk", roles.DSE, "Support engineer",
             teams=("Service Desk", "Infrastructure")),
    DemoUser("dan", "Dan", "Duty", roles.DSE, "Support engineer",
             teams=("Service Desk", "Applications")),
    DemoUser("manny", "Manny", "Manager", roles.MANAGER, "Head of IT support"),
    DemoUser("ada", "Ada", "Admin", roles.ADMIN, "IT administrator",
             teams=("Infrastructure", "Applications"), is_staff=True),
)
END_USERS = tuple(u.username for u in USERS if u.role == roles.END_USER)

# name -> lead's username
TEAMS = {"Service Desk": "dee", "Infrastructure": "dee", "Applications": "dan"}

# name -> (owner team, description)
SERVICES = {
    "Email": ("Infrastructure", "Mailboxes, shared mailboxes, calendars and mail flow."),
    "VPN": ("Infrastructure", "Remote access to the office network from home and on the road."),
    "Wi-Fi": ("Infrastructure", "Staff and guest wireless in every office."),
    "Laptops": ("Service Desk", "Company laptops, docks, monitors and accessories."),
    "ERP": ("Applications", "Finance, purchasing and stock (the ERP system)."),
    "File shares": ("Infrastructure", "Department drives and their backups."),
    "Printing": ("Service Desk", "Printers, scanners and print queues."),
    "Website": ("Applications", "The public website and its contact forms."),
}

# name, kind, service, hostname, ip, location
ASSETS = (
    ("mail-01", "server", "Email", "mail-01.corp.example", "10.10.1.11", "DC1 rack A3"),
    ("mail-02", "server", "Email", "mail-02.corp.example", "10.10.1.12", "DC2 rack B1"),
    ("mx-gw-1", "network", "Email", "mx1.example.com", "10.10.0.25", "DC1 rack A1"),
    ("vpn-gw-1", "network", "VPN", "vpn1.example.com", "10.10.0.5", "DC1 rack A1"),
    ("vpn-gw-2", "network", "VPN", "vpn2.example.com", "10.20.0.5", "DC2 rack B1"),
    ("radius-01", "server", "VPN", "radius-01.corp.example", "10.10.1.30", "DC1 rack A2"),
    ("wlc-01", "network", "Wi-Fi", "wlc-01.corp.example", "10.10.0.40", "DC1 rack A1"),
    ("ap-floor2-west", "network", "Wi-Fi", "", "10.30.2.21", "Floor 2, west wing"),
    ("ap-floor3-east", "network", "Wi-Fi", "", "10.30.3.22", "Floor 3, east wing"),
    ("mdm-01", "server", "Laptops", "mdm-01.corp.example", "10.10.1.50", "DC1 rack A2"),
    ("erp-app-1", "application", "ERP", "erp-app-1.corp.example", "10.10.2.10", "DC1 rack A4"),
    ("erp-app-2", "application", "ERP", "erp-app-2.corp.example", "10.10.2.11", "DC2 rack B2"),
    ("erp-db-1", "database", "ERP", "erp-db-1.corp.example", "10.10.2.20", "DC1 rack A4"),
    ("fs-01", "server", "File shares", "fs-01.corp.example", "10.10.3.10", "DC1 rack A5"),
    ("fs-02", "server", "File shares", "fs-02.corp.example", "10.20.3.10", "DC2 rack B3"),
    ("backup-01", "server", "File shares", "backup-01.corp.example", "10.20.3.50",
     "DC2 rack B3"),
    ("print-01", "server", "Printing", "print-01.corp.example", "10.10.4.10", "DC1 rack A2"),
    ("prn-3-east", "other", "Printing", "prn-3-east.corp.example", "10.30.3.60",
     "Floor 3, east wing"),
    ("web-01", "vm", "Website", "web-01.example.com", "10.40.0.11", "Cloud, eu-west"),
    ("web-02", "vm", "Website", "web-02.example.com", "10.40.0.12", "Cloud, eu-west"),
    ("web-db-1", "database", "Website", "web-db-1.example.com", "10.40.0.20",
     "Cloud, eu-west"),
    ("lb-01", "network", "Website", "lb-01.example.com", "10.40.0.5", "Cloud, eu-west"),
)

# name -> (default team, description)
CATEGORIES = {
    "Hardware": ("Service Desk", "Laptops, monitors, docks, phones and other kit."),
    "Software": ("Applications", "Installing, licensing or fixing an application."),
    "Access & accounts": ("Service Desk", "Passwords, MFA, new starters, leavers, permissions."),
    "Network": ("Infrastructure", "Wi-Fi, VPN, cabling and internet access."),
    "Email": ("Infrastructure", "Mailboxes, calendars and mail that does not arrive."),
    "Printing": ("Service Desk", "Printers, scanners and toner."),
    "Other": ("Service Desk", "Anything that fits nowhere else."),
}

# Words the stories are filled with.
FILL = {
    "who": ("Jamie", "Priya", "Tomasz", "Lena", "Marcus", "Aisha", "Oliver", "Sofia", "Kenji",
            "Fatima", "Noah", "Grace", "Mateo", "Hannah"),
    "dept": ("Finance", "Sales", "HR", "Marketing", "Legal", "Operations", "Procurement",
             "Customer Care"),
    "floor": ("1", "2", "3", "4", "5"),
    "room": ("Oak", "Maple", "Birch", "Willow", "2.14", "3.02", "the boardroom"),
    "site": ("Leeds", "Bristol", "Manchester", "Glasgow", "Cardiff"),
    "minutes": ("5", "10", "15", "20", "30"),
    "printer": ("PRN-3-EAST", "PRN-2-WEST", "PRN-1-RECEPTION", "PRN-4-FINANCE"),
    "software": ("Adobe Acrobat Pro", "Visio", "Power BI Desktop", "Zoom", "Tableau",
                 "Notepad++", "7-Zip", "Python 3.12", "Miro", "Camtasia"),
    "code": ("E-1042", "E-2210", "PO-017", "GL-503", "AP-311"),
    "mailbox": ("accounts-payable@example.com", "hr-team@example.com",
                "sales-leads@example.com", "reception@example.com"),
    "domain": ("supplier.co.uk", "bigcustomer.com", "partner.de", "auditors.example.org"),
    "start": ("next Monday", "on the 1st", "this Thursday", "in two weeks"),
    "phone": ("iPhone 15", "Pixel 8", "Galaxy S23"),
    "laptop": ("ThinkPad T14", "Latitude 7440", "MacBook Air", "EliteBook 840"),
    "count": ("2", "3", "4", "6", "a dozen"),
}


@dataclass(frozen=True)
class Story:
    """One kind of ticket people really file, with what is typically said on it."""

    kind: str
    category: str
    service: str | None
    titles: tuple[str, ...]
    descriptions: tuple[str, ...]
    fixes: tuple[str, ...]
    assets: tuple[str, ...] = ()
    impact: tuple[int, ...] = (Level.LOW,)
    urgency: tuple[int, ...] = (Level.MEDIUM,)
    questions: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    weight: int = 3


H, M, L = Level.HIGH, Level.MEDIUM, Level.LOW
INC, REQ, PRB = Kind.INCIDENT, Kind.REQUEST, Kind.PROBLEM

STORIES = (
    Story(INC, "Email", "Email", assets=("mail-01", "mail-02"), impact=(L, L, M),
          urgency=(M, H), weight=6,
          titles=("Outlook keeps asking for my password",
                  "Outlook password prompt every few minutes",
                  "Outlook asks for my password since last night's update"),
          descriptions=(
              "Since this morning Outlook pops up a password prompt every few minutes. I type "
              "my password, it accepts it, and a few minutes later it asks again.\n\n"
              "**What I tried**\n\n- Restarted Outlook\n- Restarted the laptop\n\n"
              "Webmail works fine, so it is only the desktop app.",
              "Outlook shows *Need password* in the status bar and won't send anything. "
              "My colleague {who} has the same problem since the update last night.",
          ),
          questions=(("Did you change your password in the last day or two? If so, on which "
                      "device first?",
                      "Yes, on Monday, on my phone first and then on the laptop."),
                     ("Could you send a screenshot of the prompt, including the title bar?",
                      "Attached. It says *Microsoft Outlook* in the title bar.")),
          notes=("Sign-in logs show repeated modern-auth failures from the old Outlook "
                 "profile. Cached credentials issue.",
                 "Checked mail-01: no errors for this mailbox. Looks client side."),
          fixes=("Removed the stale credentials from Windows Credential Manager and recreated "
                 "the Outlook profile. Prompt is gone.",
                 "Cleared the cached token and signed in again; Outlook has been connected "
                 "for an hour without prompting.")),
    Story(INC, "Email", "Email", assets=("mx-gw-1",), impact=(M,), urgency=(M, H),
          titles=("Emails to {domain} bounce back",
                  "Mail from {domain} not arriving"),
          descriptions=(
              "Every email I send to anyone at **{domain}** comes back with:\n\n"
              "```\n550 5.7.1 Message rejected due to content restrictions\n```\n\n"
              "We have a deadline with them this week.",
              "A customer at {domain} says they sent us three emails yesterday. None of them "
              "are in my inbox or junk folder.",
          ),
          questions=(("Could you forward one of the bounce messages to me as an attachment?",
                      "Forwarded two of them to you just now."),),
          notes=("mx-gw-1 log: their server is on a public block list since Tuesday. Not ours "
                 "to fix, but we can allow-list them.",),
          fixes=("Added {domain} to the gateway allow-list and released the held messages. "
                 "Please ask them to resend anything urgent.",
                 "Their SPF record was missing our relay. They fixed it on their side; mail "
                 "flows again.")),
    Story(REQ, "Email", "Email", impact=(L,), urgency=(L, M),
          titles=("Access to shared mailbox {mailbox}",
                  "Set up a shared mailbox for the {dept} team"),
          descriptions=(
              "Please give me *send as* and full access to **{mailbox}**. My manager "
              "{who} has approved it.",
              "The {dept} team needs a shared mailbox so customers have one address to write "
              "to. About {count} people should have access.",
          ),
          questions=(("Can {who} confirm the approval by replying here?",
                      "{who} is away today; I've attached their approval email instead."),),
          fixes=("Done: you have full access and send-as. It appears in Outlook within an hour "
                 "(restart Outlook if it doesn't).",
                 "Mailbox created and permissions granted to the team.")),
    Story(INC, "Network", "VPN", assets=("vpn-gw-1", "vpn-gw-2", "radius-01"),
          impact=(L, M), urgency=(M, H), weight=6,
          titles=("VPN drops every {minutes} minutes at home",
                  "VPN disconnects when I join a Teams call",
                  "VPN says 'authentication failed'"),
          descriptions=(
              "Working from home today and the VPN drops every {minutes} minutes. It "
              "reconnects by itself but I lose my session in the ERP every time.\n\n"
              "- Home broadband, other sites work fine\n- Started on Monday",
              "Every time I join a Teams call while on the VPN, the VPN disconnects within a "
              "minute. Without the VPN, calls work fine.",
              "The VPN client shows `Authentication failed (code 691)` although my password "
              "works for email. I can't reach the file shares from home.",
          ),
          questions=(("Which VPN client version do you have (Help → About)?",
                      "It says version 4.10.07061."),
                     ("Are you on Wi-Fi or cable at home? Could you try with a cable once?",
                      "Wi-Fi. With a cable it still dropped after {minutes} minutes.")),
          notes=("radius-01 shows the account in the wrong group after the last sync.",
                 "vpn-gw-1 rekey timeout is 600s; matches the drop interval. Check the "
                 "client's DPD setting."),
          fixes=("Updated the VPN client to the current version and switched the profile to "
                 "the second gateway. Stable for a full day now.",
                 "Enabled split tunnelling for Teams traffic; calls no longer go through the "
                 "VPN and it stays connected.",
                 "Fixed the group membership; authentication works again.")),
    Story(INC, "Network", "Wi-Fi", assets=("wlc-01", "ap-floor2-west", "ap-floor3-east"),
          impact=(M, H), urgency=(M,), weight=4,
          titles=("No Wi-Fi in meeting room {room}",
                  "Wi-Fi keeps disconnecting on floor {floor}",
                  "Very slow Wi-Fi in the {site} office"),
          descriptions=(
              "Nobody in **{room}** can connect to the staff Wi-Fi. The network shows up but "
              "connecting times out. We have a client meeting there at 2pm.",
              "On floor {floor} the Wi-Fi drops for everyone several times an hour. Laptops "
              "reconnect after a minute.",
              "Since Monday the Wi-Fi in {site} is painfully slow: a speed test gives 2 Mbit/s "
              "and video calls freeze.",
          ),
          notes=("wlc-01 reports the access point rebooting every 20 minutes: PoE budget on "
                 "the switch?",),
          fixes=("Replaced the faulty access point; the room has signal again.",
                 "Moved the access point to a different switch port with enough power. No "
                 "drops since yesterday.",
                 "The office's internet line was running on the 4G backup after a fault; the "
                 "provider repaired the fibre and speeds are back to normal.")),
    Story(REQ, "Network", "Wi-Fi", impact=(L,), urgency=(L,), weight=2,
          titles=("Guest Wi-Fi for visitors {start}",),
          descriptions=("We have {count} visitors from a partner {start}. Could they get "
                        "guest Wi-Fi codes for two days?",),
          fixes=("Guest codes sent to you by email, valid for two days.",)),
    Story(REQ, "Hardware", "Laptops", assets=("mdm-01",), impact=(L,), urgency=(M,), weight=6,
          titles=("New starter laptop for {who} in {dept}",
                  "Laptop and accounts for new starter {who}"),
          descriptions=(
              "{who} joins **{dept}** {start}. They need:\n\n1. A laptop ({laptop} if "
              "possible)\n2. A dock and two monitors\n3. Access to the {dept} shared drive\n\n"
              "Thanks!",
              "New starter {who} ({dept}) starts {start}. Standard kit please, plus "
              "{software}.",
          ),
          questions=(("Which desk will {who} sit at, so we can set up the dock?",
                      "Desk {floor}.14, next to the window."),),
          notes=("Laptop enrolled in mdm-01, waiting for the image to finish.",),
          fixes=("Laptop is imaged and enrolled. It is at the service desk with a welcome "
                 "sheet; {who} can collect it on day one.",)),
    Story(INC, "Hardware", "Laptops", impact=(L,), urgency=(M, H), weight=5,
          titles=("Laptop won't boot after update", "Laptop battery drains in an hour",
                  "Screen flickering on my laptop",
                  "Dock doesn't detect my second monitor", "Keyboard keys sticking"),
          descriptions=(
              "My {laptop} shows the logo, then a black screen with a spinning circle, then "
              "restarts. It installed updates last night.",
              "The battery goes from 100% to empty in about an hour, even when I only use "
              "email. It used to last all day.",
              "The screen flickers and goes dark for a second every few minutes, worse when "
              "the lid is tilted back.",
              "Since I moved desks the dock only shows one of my two monitors. Both work on "
              "their own.",
              "The E, R and space keys stick, so I type every word twice. Nothing was spilled "
              "on it (honest).",
          ),
          questions=(("Is there a serial number sticker on the bottom? Please send it.",
                      "Serial is PF3KX{floor}9Q."),
                     ("Could you bring it to the service desk on floor 2 tomorrow morning?",
                      "Will do, I'll be there at 9.")),
          notes=("Warranty still valid until next year. Ordered a replacement part.",),
          fixes=("Rolled back the faulty driver update and paused it for your device. Boots "
                 "normally.",
                 "Replaced the battery under warranty.",
                 "Replaced the display cable under warranty; no more flicker.",
                 "Updated the dock firmware; both monitors work.",
                 "Replaced the keyboard under warranty.")),
    Story(REQ, "Hardware", "Laptops", impact=(L,), urgency=(L,), weight=3,
          titles=("Replacement charger for my laptop", "Monitor for my home office",
                  "Headset for Teams calls"),
          descriptions=("My charger broke this week. Could I get a new one sent to the {site} "
                        "office?",
                        "My manager {who} approved a second screen for working from home.",
                        "My headset's microphone stopped working; people can't hear me in "
                        "calls."),
          fixes=("Sent by courier; tracking number in your email.",
                 "The monitor goes out by courier tomorrow; tracking number in your email.",
                 "A new headset is ready for collection at the service desk.")),
    Story(INC, "Software", "ERP", assets=("erp-app-1", "erp-app-2", "erp-db-1"),
          impact=(M, H), urgency=(M, H), weight=5,
          titles=("ERP is very slow when running month-end reports",
                  "Can't post invoices in ERP: error {code}",
                  "ERP report export to Excel fails"),
          descriptions=(
              "Running the *Aged creditors* report takes more than 10 minutes and often times "
              "out. Month-end close is on Friday.",
              "Posting any invoice gives:\n\n> Error {code}: period is locked for posting\n\n"
              "But the period should be open. Whole {dept} team is affected.",
              "Export to Excel from any report produces an empty file.",
          ),
          questions=(("Which company code and period are you posting to?",
                      "Company 100, current period. Same for everyone in {dept}."),),
          notes=("erp-db-1: a missing index on the ledger table after the upgrade; the report "
                 "does a full scan.",
                 "Finance locked the period by mistake at 17:00 yesterday."),
          fixes=("Added the missing index; the report runs in 40 seconds now.",
                 "Reopened the period with Finance's approval. Posting works.",
                 "The export add-in lost its licence after the upgrade; reactivated it and "
                 "exports are complete again.")),
    Story(REQ, "Access & accounts", "ERP", impact=(L,), urgency=(L, M), weight=3,
          titles=("Access to the ERP purchasing module for {who}",
                  "Approver rights in ERP for {who}"),
          descriptions=("{who} moved to **{dept}** and needs to raise purchase orders. "
                        "Their manager has approved.",),
          questions=(("Please ask the budget holder to approve here.",
                      "Approved. (Budget holder for {dept}.)"),),
          fixes=("Role added. {who} needs to sign out and in again to see the module.",)),
    Story(INC, "Access & accounts", "File shares", assets=("fs-01", "fs-02"),
          impact=(L, M), urgency=(M,), weight=4,
          titles=("Can't access the {dept} shared drive", "Access denied on `{share}`"),
          descriptions=(
              "When I open `{share}` I get *Access is denied*. It worked last week and I "
              "haven't changed teams.",
          ),
          notes=("User was removed from the group by the leavers script (name clash).",),
          fixes=("Re-added you to the group. Sign out and back in, then it opens.",)),
    Story(REQ, "Other", "File shares", assets=("backup-01",), impact=(L,), urgency=(M, H),
          weight=3,
          titles=("Restore deleted folder on {share}",
                  "Restore yesterday's version of a spreadsheet"),
          descriptions=("I deleted the folder *Q3 budgets* under `{share}` by mistake this "
                        "morning. Can it be restored from last night's backup?",
                        "I saved over *forecast.xlsx* in `{share}` this morning. Could I get "
                        "yesterday's version back, next to the current one?"),
          fixes=("Restored from last night's backup to its original place.",
                 "Restored yesterday's copy as *forecast (restored).xlsx* in the same "
                 "folder.")),
    Story(INC, "Other", "File shares", assets=("fs-01",), impact=(H,), urgency=(M,), weight=2,
          titles=("Shared drive is full",),
          descriptions=("Saving to `{share}` fails with *There is not enough space*. The "
                        "whole {dept} team can't save.",),
          notes=("fs-01 volume at 100%: someone copied 300 GB of video to the share.",),
          fixes=("Moved the video archive to cold storage and extended the volume by 500 GB."
                 ,)),
    Story(INC, "Printing", "Printing", assets=("print-01", "prn-3-east"),
          impact=(L, M), urgency=(L, M), weight=5,
          titles=("Printer on floor {floor} jams", "Can't print to {printer}",
                  "Scans to email never arrive", "Print jobs stuck in the queue"),
          descriptions=(
              "**{printer}** jams on every second page. I've opened all the trays and there "
              "is no paper stuck.",
              "My print jobs to {printer} sit in the queue as *Error - Printing* and never "
              "come out. Other people can print.",
              "Scan to email on {printer} says *Sent* but the email never arrives.",
              "Nobody on floor {floor} can print: the queue shows {count} jobs stuck at the "
              "top and nothing comes out.",
          ),
          notes=("Spooler on print-01 crashed overnight.",),
          fixes=("Cleaned the rollers and replaced the fuser; no more jams.",
                 "Your laptop had an old driver for this printer; replaced it and your jobs "
                 "print.",
                 "The scanner's SMTP password had expired; updated it.",
                 "Restarted the spooler on print-01 and cleared the stuck jobs.")),
    Story(REQ, "Printing", "Printing", impact=(L,), urgency=(L,), weight=2,
          titles=("Toner low on {printer}", "Add {printer} to my laptop"),
          descriptions=("{printer} says toner is low (black).",
                        "I moved to floor {floor}, please add the printer there."),
          fixes=("New toner fitted.", "Printer added; it shows as the default now.")),
    Story(INC, "Software", "Website", assets=("web-01", "web-02", "lb-01", "web-db-1"),
          impact=(H, M), urgency=(H, M), weight=3,
          titles=("Contact form on the website returns an error", "Website is down",
                  "Certificate warning on the website"),
          descriptions=(
              "Customers tell us the contact form shows *500 Internal Server Error* when they "
              "press Send. Tried it myself: same.",
              "The public website doesn't load at all from here or from my phone.",
              "Browsers show *Your connection is not private* on the website. Customers are "
              "calling us about it.",
          ),
          notes=("lb-01 marks web-02 unhealthy; web-01 alone is overloaded.",
                 "The form's mail relay credentials were rotated without updating the site."),
          fixes=("Updated the relay credentials; the form sends again.",
                 "Restarted web-02 after the disk filled with logs; set up log rotation.",
                 "The certificate had expired: renewal failed silently. Renewed it and added "
                 "an expiry check to monitoring.")),
    Story(REQ, "Software", "Website", impact=(L,), urgency=(L,), weight=2,
          titles=("Update the opening hours on the website",
                  "New job advert on the careers page"),
          descriptions=("Please change the {site} opening hours to 8:00-17:00 from "
                        "{start}.",
                        "Please publish the attached advert for a {dept} assistant on the "
                        "careers page {start}."),
          fixes=("Published.",)),
    Story(REQ, "Software", None, impact=(L,), urgency=(L, M), weight=5,
          titles=("Install {software} on my laptop", "License for {software}"),
          descriptions=("I need **{software}** for a project with {who}. My manager has "
                        "approved the cost.",),
          questions=(("Is this for a single project or ongoing? We'd buy a monthly license "
                      "for short projects.",
                      "Only for the next three months, so monthly is fine."),),
          fixes=("Installed through Software Center and license assigned.",)),
    Story(INC, "Software", None, impact=(L,), urgency=(M,), weight=3,
          titles=("{software} crashes on startup",),
          descriptions=("{software} opens, shows the splash screen and closes. Reinstalling "
                        "from Software Center didn't help.",),
          fixes=("Removed a corrupt settings folder in the profile; it starts now.",)),
    Story(INC, "Access & accounts", None, impact=(L,), urgency=(H,), weight=4,
          titles=("Account locked out", "New phone: need to re-register MFA",
                  "Password expired while on holiday"),
          descriptions=("I'm locked out after typing an old password on my {phone}. Can't "
                        "sign in to anything.",
                        "I have a new {phone} and the authenticator app is empty. I can't "
                        "approve sign-ins.",
                        "Back from two weeks off and my password has expired; the laptop "
                        "won't let me change it off the network."),
          fixes=("Unlocked the account and removed the old password from your phone's "
                 "mail app.",
                 "Reset MFA; you registered the new phone at the desk.",
                 "Set a temporary password over the phone; you changed it at the desk.")),
    Story(REQ, "Access & accounts", None, impact=(L,), urgency=(M,), weight=3,
          titles=("Remove access for leaver {who}", "New account for {who} starting {start}"),
          descriptions=("{who} leaves {dept} on Friday. Please disable their account at "
                        "17:00 and forward their mail to me for a month.",
                        "{who} joins {dept} {start}. Same access as the rest of the team, "
                        "please."),
          fixes=("Scheduled: the account is disabled Friday 17:00, mail forwarded for 30 days.",
                 "Account created; the welcome letter with the first password is with "
                 "{who}'s manager.")),
    Story(PRB, "Network", "VPN", assets=("vpn-gw-1",), impact=(M,), urgency=(M,), weight=1,
          titles=("Recurring VPN disconnects for home workers",),
          descriptions=("Several incidents this month about VPN sessions dropping every "
                        "10 minutes. Find the root cause instead of fixing each laptop.",),
          notes=("Correlates with the gateway firmware upgrade on the 3rd.",),
          fixes=("Root cause: a rekey bug in gateway firmware. Vendor fix applied in the "
                 "maintenance window; no new reports since.",)),
    Story(INC, "Other", None, impact=(L,), urgency=(L,), weight=2,
          titles=("Desk phone not working after desk move", "Meeting room screen has no signal"),
          descriptions=("Moved to floor {floor} and the desk phone shows *No service*.",
                        "The screen in {room} says *No signal* with the HDMI cable plugged in."),
          fixes=("Patched the phone port on the new desk.", "Replaced the HDMI adapter.")),
)

# What support and requesters say on any story.
ACKS = {
    Kind.INCIDENT: (
        "Hi {first}, thanks for reporting this. I'm on it and will update you shortly.",
        "Thanks {first}. I've picked this up and I'm looking into it now.",
        "Hello {first}, got it. I'll check the logs and come back to you within the hour.",
    ),
    Kind.REQUEST: (
        "Hi {first}, thanks for the request. I'll take care of it.",
        "Thanks {first}, I've picked this up. It should be done today.",
    ),
    Kind.PROBLEM: ("Taking this one. I'll collect the related incidents here.",),
}
# (what support asks, what the requester answers)
GENERIC_QUESTIONS = (
    ("Could you send a screenshot of the error message?",
     "Sure, it happened again at {time}. Screenshot attached."),
    ("When did this start, and does it happen every time?",
     "It started on Monday and happens every time."),
    ("Could you try it once more and tell me the exact time, so I can find it in the logs?",
     "Tried again at {time}, same problem."),
)
FOLLOW_UPS = (
    "Any news on this? It is getting urgent.",
    "One more detail: {who} has the same problem.",
    "It happened again this morning.",
)
GENERIC_NOTES = {
    Kind.INCIDENT: ("Checked the monitoring dashboard: nothing obvious.",
                    "Asked the vendor for a case number.",
                    "Similar ticket last month; same fix likely applies."),
    Kind.REQUEST: ("Approval is on file; going ahead.",
                   "Added to this week's list.",
                   "Checked with the team lead; fine to proceed."),
    Kind.PROBLEM: ("Linked the related incidents from this month.",),
}
HOLD_REASONS = (
    "Waiting for the vendor to ship the replacement part.",
    "On hold until the change window on Saturday.",
    "Waiting for the budget holder's approval.",
)
REOPEN_NOTES = (
    "Sorry, it's happening again since this morning.",
    "It worked for a day but the problem is back.",
)
CANCEL_NOTES = (
    "No longer needed, it started working again. Thanks!",
    "Please cancel, we found another way.",
)
# Appended to scale tickets' descriptions, so they are not all the same few texts.
DETAILS = (
    "",
    "\n\n**Laptop:** {laptop}  \n**Office:** {site}, floor {floor}",
    "\n\nI'm in {dept}; {who} on my team sees the same.",
    "\n\nPhone: {phone}. Best reached on Teams.",
    "\n\nSteps so far:\n\n1. Restarted\n2. Tried another network\n3. Asked {who}",
)
RATING_COMMENTS = {
    5: ("Quick and friendly, thank you!", "Perfect, thanks!", "Brilliant, sorted in minutes."),
    4: ("Fixed, thanks. Took a while to hear back.", "Good, thanks."),
    3: ("Works now, but I had to chase twice.",),
    2: ("It took three days for a simple fix.",),
    1: ("Closed without asking me whether it works.",),
}
RATING_WEIGHTS = (2, 3, 8, 30, 57)  # 1..5 stars


def words(rng: random.Random, **extra) -> dict[str, str]:
    """One ticket's words: its title, description and replies use the same {who}, {dept}…"""
    chosen = {key: rng.choice(values) for key, values in FILL.items()}
    chosen["share"] = "S:\\" + chosen["dept"]  # the department's own drive
    chosen["time"] = f"{rng.randint(8, 17)}:{rng.choice(('05', '20', '35', '50'))}"
    chosen.update(extra)
    return chosen


def story_texts(rng: random.Random, story: Story, w: dict) -> tuple[str, str, str]:
    """(title, description, fix) for one ticket; matched by position where the story
    has one of each per title (a flickering screen is not fixed with a new battery)."""
    i = rng.randrange(len(story.titles))

    def choose(texts: tuple[str, ...]) -> str:
        return texts[i] if len(texts) == len(story.titles) else rng.choice(texts)

    return (story.titles[i].format_map(w), choose(story.descriptions).format_map(w),
            choose(story.fixes).format_map(w))


def pick_story(rng: random.Random) -> Story:
    return rng.choices(STORIES, weights=[s.weight for s in STORIES])[0]


def pick_rating(rng: random.Random) -> tuple[int, str]:
    stars = rng.choices(range(1, 6), weights=RATING_WEIGHTS)[0]
    return stars, (rng.choice(RATING_COMMENTS[stars]) if rng.random() < 0.6 else "")


FIRST_NAMES = ("James", "Mary", "Ahmed", "Chloe", "Daniel", "Emma", "Finn", "Hana", "Ivan",
               "Julia", "Kofi", "Laura", "Mohammed", "Nina", "Omar", "Paula", "Rahul", "Sara",
               "Theo", "Uma", "Victor", "Wendy", "Yusuf", "Zoe", "Leo", "Mia", "Ravi", "Elena")
LAST_NAMES = ("Smith", "Jones", "Patel", "Nowak", "Garcia", "Kim", "Okafor", "Müller",
              "Rossi", "Dubois", "Silva", "Khan", "Brown", "Walsh", "Novak", "Sato", "Lindqvist",
              "Osei", "Murphy", "Costa")


def staff_directory(count: int) -> list[tuple[str, str, str]]:
    """(username, first, last) for `count` end users that the scale data files for."""
    people = [(first, last) for last in LAST_NAMES for first in FIRST_NAMES]
    rng = random.Random(7)  # noqa: S311 - demo data, not secrets
    rng.shuffle(people)
    out = []
    for i in range(count):
        first, last = people[i % len(people)]
        suffix = "" if i < len(people) else str(i // len(people) + 1)
        username = f"{first}.{last}{suffix}".lower().replace("ü", "u")
        out.append((username, first, last))
    return out


# The demo set's mix of where tickets are now, and how long ago their last step was (days).
TARGETS = {
    Status.NEW: (10, 0.02, 2),
    Status.IN_PROGRESS: (15, 0.05, 5),
    Status.WAITING: (8, 0.1, 8),
    Status.ON_HOLD: (5, 0.5, 15),
    Status.RESOLVED: (10, 0.02, 4),  # inside the auto-close delay, or the sweep closes them
    Status.CLOSED: (45, 0.1, 50),
    Status.CANCELLED: (7, 0.1, 55),
}
SOURCES = {Source.PORTAL: 70, Source.EMAIL: 15, Source.PHONE: 15}


@dataclass
class Step:
    at: datetime
    action: str  # create, assign, reply, note, status, time, rate
    actor: str | None  # username; None is Tend itself
    args: dict


@dataclass
class StoryPlan:
    requester: str
    title: str
    target: str
    steps: list[Step]


def team_members(team: str) -> list[str]:
    return [u.username for u in USERS if team in u.teams]


def _first_name(username: str) -> str:
    return next(u.first_name for u in USERS if u.username == username)


def plan_story(rng: random.Random, *, now: datetime, auto_close_days: int) -> StoryPlan:
    """One demo ticket's life as timed steps, ending before `now` in the state it is in."""
    story = pick_story(rng)
    target = rng.choices(list(TARGETS), weights=[t[0] for t in TARGETS.values()])[0]
    team = CATEGORIES[story.category][0]  # ticket_create routes by category first
    members = team_members(team)
    lead = TEAMS[team]
    agent = rng.choices(members, weights=[1 if m == "ada" else 4 for m in members])[0]
    if story.kind == Kind.PROBLEM:
        requester, source = lead, Source.PORTAL
    else:
        requester = rng.choice(END_USERS)
        source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
    by_phone = source == Source.PHONE
    w = words(rng, first=_first_name(requester))
    impact, urgency = rng.choice(story.impact), rng.choice(story.urgency)
    title, description, fix = story_texts(rng, story, w)
    steps: list[tuple[int, str, str | None, dict]] = []

    def add(low: int, high: int, action: str, actor: str | None, **args) -> None:
        steps.append((rng.randint(low, high), action, actor, args))

    add(0, 0, "create", agent if by_phone else requester,
        title=title, description=description,
        kind=story.kind, source=source, created_by=agent if by_phone else None,
        category=story.category, service=story.service,
        asset=rng.choice(story.assets) if story.assets and rng.random() < 0.5 else None,
        impact=impact, urgency=urgency, assignee=agent if by_phone else None,
        attach=story.kind == Kind.INCIDENT and rng.random() < 0.08)

    def say(texts: tuple[str, ...]) -> str:
        return rng.choice(texts).format_map(w)

    if target == Status.CANCELLED and rng.random() < 0.5:
        add(10, 600, "status", requester, to=Status.CANCELLED, note=say(CANCEL_NOTES))
        return _timed(rng, requester, title, target, steps, now)
    if target == Status.NEW:
        if rng.random() < 0.3:
            add(10, 240, "reply", requester, body=say(FOLLOW_UPS))
        return _timed(rng, requester, title, target, steps, now)
    if not by_phone:
        urgent = impact == Level.HIGH and urgency == Level.HIGH
        add(2, 20 if urgent else 180, "assign", lead, assignee=agent)
    if rng.random() < 0.4:
        add(2, 30, "note", agent, body=say(story.notes or GENERIC_NOTES[story.kind]))
    add(1, 45, "reply", agent, body=say(ACKS[story.kind]))
    if target == Status.IN_PROGRESS:
        if rng.random() < 0.5:
            add(30, 600, "reply", requester, body=say(FOLLOW_UPS))
        return _timed(rng, requester, title, target, steps, now)
    if target == Status.WAITING or rng.random() < 0.35:
        question, answer = rng.choice(story.questions or GENERIC_QUESTIONS)
        add(10, 240, "status", agent, to=Status.WAITING, note=question.format_map(w))
        if target == Status.WAITING:
            return _timed(rng, requester, title, target, steps, now)
        add(20, 1440, "reply", requester, body=answer.format_map(w))
    if target == Status.ON_HOLD:
        add(30, 600, "status", agent, to=Status.ON_HOLD, note=say(HOLD_REASONS))
        return _timed(rng, requester, title, target, steps, now)
    if target == Status.CANCELLED:
        add(30, 1440, "status", agent, to=Status.CANCELLED,
            note="This is a duplicate of another ticket; we'll follow up there.")
        return _timed(rng, requester, title, target, steps, now)
    if rng.random() < 0.5:
        add(5, 60, "time", agent, minutes=rng.choice((15, 20, 30, 45, 60, 90)),
            note="Diagnosis and fix")
    add(30, 2880, "status", agent, to=Status.RESOLVED, note=fix)
    if rng.random() < 0.1 and story.kind == Kind.INCIDENT:
        add(60, 2880, "status", requester, to=Status.IN_PROGRESS, note=say(REOPEN_NOTES))
        add(60, 1440, "status", agent, to=Status.RESOLVED,
            note="Sorry about that. I looked deeper this time. " + fix)
    rated = story.kind != Kind.PROBLEM and rng.random() < 0.55
    stars, comment = pick_rating(rng)
    if target == Status.RESOLVED or rng.random() < 0.4:
        if target == Status.CLOSED:
            add(10, 2000, "status", requester, to=Status.CLOSED)
        if rated:
            add(5, 600, "rate", requester, rating=stars, comment=comment)
    else:
        waited = 0
        if rated:
            add(5, 600, "rate", requester, rating=stars, comment=comment)
            waited = steps[-1][0]
        # Nobody confirmed: the auto-close sweep (every 15 minutes) closes it.
        add(1, 15, "status", None, to=Status.CLOSED)
        steps[-1] = (steps[-1][0] + auto_close_days * 1440 - waited, *steps[-1][1:])
    return _timed(rng, requester, title, target, steps, now)


def _at_work(rng: random.Random, at: datetime) -> datetime:
    """`at`, or a moment early in the next office day (08:00-18:00 local, Monday-Friday)."""
    # Drawn every time: what the generator hands out next must not depend on the clock,
    # or a second run on another day would plan other tickets (seed_demo is idempotent).
    settle = timedelta(minutes=rng.randint(0, 120))
    local = timezone.localtime(at)
    if local.hour < 8 or local.hour >= 18 or local.weekday() >= 5:
        days = 1 if local.hour >= 18 else 0
        local = (local + timedelta(days=days)).replace(hour=8, minute=0) + settle
        while local.weekday() >= 5:
            local += timedelta(days=1)
    return local


def _workdays_back(at: datetime, days: int) -> datetime:
    while days:
        at -= timedelta(days=1)
        days -= timezone.localtime(at).weekday() < 5
    return at


def _timed(rng, requester, title, target, steps, now: datetime) -> StoryPlan:
    """Give the steps real times, in office hours, the last one in the target's window."""
    _, low, high = TARGETS[target]
    end = now - timedelta(days=rng.uniform(low, high))
    at = end - timedelta(minutes=sum(gap for gap, *_ in steps))
    times = []
    for gap, _action, actor, _args in steps:
        at += timedelta(minutes=gap)
        if actor is not None:  # people work office hours; Tend's sweeps run at any time
            at = _at_work(rng, at)
        times.append(at)
    # Nights and weekends made the story longer: move it back by whole working days, so
    # it still ends before `now` and keeps its office hours.
    late = times[-1] - end
    if late > timedelta(0):
        times = [_workdays_back(t, late.days + 1) for t in times]
    timed = [Step(at=t, action=action, actor=actor, args=args)
             for t, (_gap, action, actor, args) in zip(times, steps, strict=True)]
    return StoryPlan(requester=requester, title=title, target=target, steps=timed)

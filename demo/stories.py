"""The ticket stories: kinds of tickets people really file, with what is said on them.

Pure data and text helpers; every choice goes through a `random.Random` passed in, so a
fixed seed gives the same tickets on every machine.
"""

import random
from dataclasses import dataclass

from tickets.models import Kind, Level


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
          titles=("Can't access the {dept} shared drive", "Access denied on {share}"),
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

"""The words demo tickets are filled with, and what support and requesters say on any story.

Pure data and text helpers; every choice goes through a `random.Random` passed in.
"""

import random

from tickets.models import Kind

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
# Said when a ticket on hold is picked up again (after HOLD_REASONS, in the same order).
RESUME_NOTES = (
    "The part arrived this morning; picking this up again.",
    "The change window is over; carrying on.",
    "Approved by the budget holder; going ahead.",
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


def pick_rating(rng: random.Random) -> tuple[int, str]:
    stars = rng.choices(range(1, 6), weights=RATING_WEIGHTS)[0]
    return stars, (rng.choice(RATING_COMMENTS[stars]) if rng.random() < 0.6 else "")

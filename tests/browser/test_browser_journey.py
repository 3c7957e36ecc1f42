"""In a real browser, from an empty portal to a verified award notice: an officer publishes a
challenge, two consortia prepare proposals with attachments, each member organisation accepts
its invitation, each team leader signs the pledge with their password, the lead organisations'
administrators submit, three experts score them, the officer decides, the publicity period
passes, the award is confirmed and its notice is issued, downloaded by the winner and verified by
anyone on the public page.

Only the accounts and the chain are built by fixtures; everything else goes through the pages.
The live server runs in this process, so the test clock moves the portal's time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal import clock
from portal.challenges.content import DEFAULT_RUBRIC
from tests.browser_fixtures import open_menu_of
from tests.factories import PASSWORD
from tests.notices.fixtures import seal  # noqa: F401  (the authority's seal the notice needs)
from tests.pdfs import pdf as make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.slow]

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing; the deadline is 1 April
AFTER_DEADLINE = START + timedelta(days=31)
AFTER_PUBLICITY = START + timedelta(days=40)  # the decision's 5 days of publicity are over
TITLE = "28nm ArF photoresist 光刻胶"
PDF = make_pdf("A plan")
EXPERTS = (
    ("chen@tsinghua.example", "Expert Chen", "Tsinghua University 清华大学"),
    ("liu@pku.example", "Expert Liu", "Peking University 北京大学"),
    ("zhao@fudan.example", "Expert Zhao", "Fudan University 复旦大学"),
)
ALPHA = {  # the team leader is a colleague of the administrator who prepares the proposal
    "applicant": "alice@alpha.example",
    "title": "Domestic ArF resist 国产光刻胶",
    "leader": "李雷",
    "leader_email": "lilei@alpha.example",
    "lead": "Alpha Tech 阿尔法科技",
    "member": "Beta University 贝塔大学",
    "member_admin": "bea@beta.example",
    "mark": "9",
}
DELTA = {  # the administrator leads the team themself
    "applicant": "dan@delta.example",
    "title": "Delta resist line",
    "leader": "Han Meimei",
    "leader_email": "dan@delta.example",
    "lead": "Delta Materials 德尔塔材料",
    "member": "Zeta Institute 泽塔研究所",
    "member_admin": "zoe@zeta.example",
    "mark": "7",
}


def see_flash(page: Page, text: str | re.Pattern) -> None:
    expect(page.locator(".flashes")).to_contain_text(text)


def see_heading(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def nav(page: Page, name: str) -> None:
    links = page.get_by_role("navigation").get_by_role(
        "link", name=name, exact=True, include_hidden=True
    )
    open_menu_of(links).click()


def log_in(page: Page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    see_flash(page, "Welcome")


# ---- 1. the officer writes, previews and publishes the challenge -----------------------------


def publish_challenge(page: Page) -> str:
    """The challenge's public number."""
    log_in(page, "officer@gov.example")
    nav(page, "Manage challenges")
    page.get_by_role("link", name="New challenge").first.click()
    see_heading(page, "New challenge")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Chain link").select_option(label="集成电路 · 设计与制造")
    page.get_by_label("Chokepoint statement").fill("Every **ArF** resist is imported today.")
    page.get_by_label("Expected deliverable").fill("A pilot line and a first batch")
    page.get_by_label("Indicator 1: name").fill("Resolution")
    page.get_by_label("Indicator 1: comparison").select_option("le")
    page.get_by_label("Indicator 1: target value").fill("28")
    page.get_by_label("Indicator 1: unit").fill("nm")
    page.get_by_role("button", name="Add an indicator").click()
    page.get_by_label("Indicator 2: name").fill("Batch yield")
    page.get_by_label("Indicator 2: target value").fill("95")
    page.get_by_label("Indicator 2: unit").fill("%")
    page.get_by_label("Funding cap (in 10,000 yuan)").fill("3000")
    page.get_by_label("Duration (months)").fill("36")
    page.get_by_label("Submission deadline").fill("2026-04-01T17:00")
    page.get_by_label("Enterprise").check()
    page.get_by_label("Maximum consortium members besides the lead").fill("2")
    page.get_by_role("button", name="Use the default rubric").click()
    expect(page.get_by_label("Criterion 1: name")).not_to_have_value("")
    page.get_by_label("Publicity period (days)").fill("5")
    page.get_by_role("button", name="Save draft").click()
    see_flash(page, re.compile(r"Draft \S+ saved\."))
    number = re.search(r"Draft (\S+) saved", page.locator(".flashes").inner_text()).group(1)

    # The preview shows the draft as the public will see it.
    expect(page.get_by_text("below is the challenge exactly as the public sees it")).to_be_visible()
    see_heading(page, TITLE)
    expect(page.get_by_text("Resolution")).to_be_visible()
    page.get_by_role("link", name="Publish…").click()
    page.get_by_role("button", name="Yes, publish it").click()
    see_flash(page, f"{number} is published.")
    see_heading(page, TITLE)
    return number


# ---- 2. two consortia unveil it, their members accept, their leaders sign, they submit --------


def edit_section(page: Page, title: str) -> None:
    page.get_by_role("link", name=re.compile(rf"^Edit\W+{re.escape(title)}$")).click()
    see_heading(page, title)


def save_section(page: Page) -> None:
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".flashes")).to_have_text("Saved.")


def prepare_proposal(page: Page, number: str, team: dict, pdf: Path) -> str:
    """The applicant unveils the challenge from its public page, fills every section and
    attaches the PDF; what is left is the others' doing. The proposal's address."""
    log_in(page, team["applicant"])
    nav(page, "Challenges")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Unveil this challenge").click()
    see_heading(page, f"Unveil {number}")
    page.get_by_role("button", name="Start a proposal").click()
    see_flash(page, "Your draft proposal has been created. Fill in each section.")
    address = page.url

    edit_section(page, "Project and team leader")
    page.get_by_label("Project title").fill(team["title"])
    page.get_by_label("Team leader's e-mail").fill(team["leader_email"])
    page.get_by_label("Team leader's name").fill(team["leader"])
    page.get_by_label("Team leader's title or position").fill("Chief engineer")
    page.get_by_label("Telephone").fill("+86 755 1234 5678")
    page.get_by_label("Organisation of the team leader").select_option(label=team["lead"])
    page.get_by_label("Technical approach").fill("## Route\n\n* resin\n* **pilot line**")
    page.get_by_label("Innovation points").fill("A resin of our own")
    save_section(page)

    edit_section(page, "Consortium")
    page.get_by_label("Responsibility of the lead organisation").fill("Resin and pilot line")
    page.get_by_role("button", name="Add a member organisation").click()
    member = page.get_by_role("group", name="Member 1")
    member.get_by_label("Credit code").fill(team["member_code"])
    member.get_by_label("Responsibility").fill("Lithography tests")
    save_section(page)
    expect(page.get_by_role("cell", name=team["member"])).to_be_visible()

    edit_section(page, "Indicator commitments")
    page.get_by_role("group", name="Resolution").get_by_label("Committed value").fill("28")
    page.get_by_role("group", name="Batch yield").get_by_label("Committed value").fill("96")
    save_section(page)

    edit_section(page, "Milestone plan")
    plan = (("2026-12-01", "30"), ("2027-09-01", "30"), ("2028-12-01", "40"))
    for n, (due, share) in enumerate(plan, start=1):
        page.get_by_role("button", name="Add a milestone").click()
        row = page.get_by_role("group", name=f"Milestone {n}")
        row.get_by_label("Milestone").fill(f"Stage {n}")
        row.get_by_label("Due date").fill(due)
        row.get_by_label("Deliverable").fill(f"Deliverable {n}")
        row.get_by_label("How it will be verified").fill("Third-party test")
        row.get_by_label("Share of funding (%)").fill(share)
    save_section(page)

    edit_section(page, "Budget")
    page.get_by_label("Funding requested (in 10,000 yuan)").fill("２,０００万")
    expect(page.locator("#requested-capitals")).to_have_text("人民币贰仟万元整")  # as it is typed
    page.get_by_label("Self-raised funds (in 10,000 yuan)").fill("500")
    page.get_by_label(f"Share of {team['lead']} (in 10,000 yuan)").fill("1200")
    page.get_by_label(f"Share of {team['member']} (in 10,000 yuan)").fill("800")
    save_section(page)

    page.get_by_role("link", name="Manage").click()
    page.get_by_label("Title").fill("Proposal document")
    page.get_by_label("PDF file").set_input_files(str(pdf))
    page.get_by_role("button", name="Upload").click()
    see_flash(page, "The file has been attached.")
    expect(page.get_by_role("link", name="Proposal document")).to_be_visible()
    page.get_by_role("link", name="Back to the proposal").click()
    checklist = page.locator(".checklist")
    expect(checklist).to_contain_text(f"{team['member']} has not accepted the invitation")
    expect(checklist).to_contain_text(f"The team leader, {team['leader']}, has not signed")
    return address


def accept_invitation(page: Page, team: dict) -> None:
    """The member organisation's administrator accepts, and only then reads the proposal."""
    log_in(page, team["member_admin"])
    nav(page, "My proposals")
    page.get_by_role("link", name=re.compile("^Consortium invitations")).click()
    see_heading(page, "Consortium invitations")
    row = page.get_by_role("row").filter(has_text=team["title"])
    expect(row).to_contain_text(team["lead"])
    expect(row.get_by_role("link", name=team["title"], exact=True)).to_have_count(0)
    row.get_by_role("button", name=re.compile("^Accept")).click()
    see_flash(page, "Your organisation has joined the consortium.")
    page.get_by_role("row").filter(has_text=team["title"]).get_by_role(
        "link", name=team["title"], exact=True
    ).click()
    see_heading(page, f"{team['title']} Draft")


def sign_pledge(page: Page, team: dict, address: str) -> None:
    """The team leader reads the pledge and what it covers, and signs with their password."""
    log_in(page, team["leader_email"])
    page.goto(address)
    page.get_by_role("link", name="Read and sign the pledge as team leader").click()
    see_heading(page, "The pledge 军令状")
    expect(page.get_by_role("cell", name="Resolution")).to_be_visible()
    page.get_by_label("Your password").fill("not my password")
    page.get_by_label("I confirm that I lead this team").check()
    page.get_by_role("button", name="Sign the pledge").click()
    expect(page.locator(".error")).to_have_text("The password is not right.")
    page.get_by_label("I confirm that I lead this team").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign the pledge").click()
    see_flash(page, "You have signed the pledge.")
    expect(page.get_by_text(f"Signed by the team leader, {team['leader']}")).to_be_visible()


def submit_proposal(page: Page, team: dict, address: str) -> None:
    """The lead organisation's administrator submits (单位推荐)."""
    log_in(page, team["applicant"])
    page.goto(address)
    expect(page.get_by_text("Everything is complete")).to_be_visible()
    page.get_by_role("link", name="Submit…").click()
    see_heading(page, "Submit the proposal")
    page.get_by_role("button", name="Submit the proposal").click()
    see_flash(page, "Your proposal has been submitted. It is frozen as version 1.")
    expect(page.locator("h1")).to_contain_text("Submitted")


# ---- 3. formal check, panel and assignment ----------------------------------------------------


def open_review(page: Page) -> None:
    nav(page, "Expert review")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_contain_text(TITLE)


def formal_check_and_panel(page: Page) -> None:
    log_in(page, "officer@gov.example")
    open_review(page)
    for team in (ALPHA, DELTA):
        row = page.get_by_role("row").filter(has_text=team["title"])
        expect(row).to_contain_text("Submitted")
        row.get_by_role("link", name="Formal check").click()
        # every item of the checklist is one the platform knows, and holds: offered ticked
        expect(page.get_by_role("checkbox", checked=False)).to_have_count(0)
        page.get_by_role("button", name="Passes the formal check").click()
        see_flash(page, "The proposal passed the formal check.")
        expect(page.get_by_role("row").filter(has_text=team["title"])).to_contain_text("In review")
    for _, name, affiliation in EXPERTS:
        page.get_by_label("Expert", exact=True).select_option(label=f"{name} · {affiliation}")
        page.get_by_role("button", name="Add to the panel").click()
        see_flash(page, f"{name} joined the panel.")
    page.get_by_role("button", name="Assign automatically").click()
    see_heading(page, "Automatic assignment")
    expect(page.get_by_text("6 assignments made.")).to_be_visible()
    expect(page.get_by_text("Every eligible proposal has its reviewers.")).to_be_visible()


# ---- 4. the experts score --------------------------------------------------------------------


def score_everything(page: Page, expert: str) -> None:
    """The expert scores every criterion of each proposal assigned to them and submits."""
    log_in(page, expert)
    nav(page, "My reviews")
    score_links = page.get_by_role("link", name="Score", exact=True)
    expect(score_links).to_have_count(2)
    for i in range(2):
        nav(page, "My reviews")
        page.get_by_role("link", name="Score", exact=True).nth(i).click()
        expect(page.locator("h1")).to_contain_text("Score proposal #")
        heading = page.locator("h1").inner_text()
        mark = next(t["mark"] for t in (ALPHA, DELTA) if t["title"] in heading)
        expect(page.get_by_label("Score (0–10)")).to_have_count(len(DEFAULT_RUBRIC))
        for item in DEFAULT_RUBRIC:  # named in the officer's language, English
            row = page.get_by_role("group", name=f"{item.en} (weight {item.weight})")
            row.get_by_label("Score (0–10)").fill(mark)
        page.get_by_label("Overall comment").fill("A sound plan.")
        page.get_by_label("Recommendation").select_option(label="Fund")
        page.get_by_role("button", name="Submit the review").click()
        see_flash(page, "Your review has been submitted.")


# ---- 5. ranking and decision -----------------------------------------------------------------


def decide(page: Page) -> None:
    log_in(page, "officer@gov.example")
    open_review(page)
    page.get_by_role("link", name="Ranking", exact=True).click()
    rows = page.locator("main table").first.locator("tbody tr")
    for rank, team, score in ((1, ALPHA, "90"), (2, DELTA, "70")):
        row = rows.nth(rank - 1)
        expect(row.locator("td").first).to_have_text(str(rank))
        expect(row).to_contain_text(team["title"])
        expect(row.locator("strong")).to_have_text(re.compile(rf"^{score}(\.0+)?$"))
        expect(row).to_contain_text("Passes")
    page.get_by_role("link", name="The decision", exact=True).click()
    page.get_by_label(f"Outcome of {ALPHA['title']}").select_option("winner")
    page.get_by_label(f"Outcome of {DELTA['title']}").select_option("reserve")
    page.get_by_role("button", name="Review the decision").click()
    expect(page.locator("h1")).to_contain_text("Confirm the decision")
    expect(page.locator(".money-committed")).to_contain_text("Money committed")
    page.get_by_label("Decision note").fill("Alpha leads on every criterion; Delta is reserve.")
    page.get_by_role("button", name="Record the decision").click()
    see_flash(page, "The decision has taken effect and the applicants have been told.")


def applicant_sees(page: Page, team: dict, address: str, status: str) -> None:
    log_in(page, team["applicant"])
    page.goto(address)
    expect(page.locator("h1")).to_contain_text(status)


# ---- 6. publicity ends, the award is confirmed, its task book signed --------------------------


def confirm_award(page: Page) -> None:
    log_in(page, "officer@gov.example")
    nav(page, "Publicity")
    row = page.get_by_role("row").filter(has_text=ALPHA["title"])
    expect(row).to_contain_text("Publicity ended")
    row.get_by_role("link", name=ALPHA["title"]).click()
    see_heading(page, ALPHA["title"])
    page.get_by_role("link", name="Confirm the award").click()
    see_heading(page, f"Confirm the award of {ALPHA['title']}")
    page.get_by_role("button", name="Confirm the award").click()
    see_flash(page, "The award is confirmed. Issue its award notice")
    expect(page.locator(".lead")).to_contain_text("Confirmed, task book due")


# ---- 7. the notice: issued, downloaded, verified ---------------------------------------------


def issue_notice(page: Page) -> str:
    """The officer issues the winner's notice; the verification code the notice page shows."""
    nav(page, "Award notices")
    page.get_by_role("link", name="Issue notices by challenge").click()
    page.get_by_role("link", name=re.compile(re.escape(TITLE))).click()
    row = page.get_by_role("row").filter(has_text=ALPHA["title"])
    row.get_by_role("button", name="Issue notice").click()
    see_flash(page, re.compile(r"Notice \S+ issued\."))
    code = page.locator("dt:has-text('Verification code') + dd")
    expect(code).not_to_be_empty()
    return code.inner_text().strip()


def record_task_book(page: Page) -> None:
    """The task book is signed: the officer records it and the project runs."""
    nav(page, "Projects")
    page.get_by_role("link", name=ALPHA["title"]).click()
    page.get_by_role("link", name="Record the task book").click()
    page.get_by_role("button", name="Start the project").click()
    see_flash(page, "The task book is recorded; the project is running.")
    expect(page.locator(".lead")).to_contain_text("Running")


def download_notice(page: Page, tmp_path: Path) -> Path:
    log_in(page, ALPHA["applicant"])
    nav(page, "Award notices")
    page.get_by_role("row").filter(has_text=ALPHA["title"]).get_by_role("link").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    saved = tmp_path / "notice.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    return saved


def verify_notice(page: Page, code: str, notice: Path) -> None:
    """Anyone, logged in or not, checks the code on the public page, then the file itself."""
    page.context.clear_cookies()
    page.goto("/")
    nav(page, "Verify a notice")
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("This notice is valid")).to_be_visible()
    expect(page.locator("dd").filter(has_text=ALPHA["title"])).to_be_visible()
    expect(page.locator("dd").filter(has_text=ALPHA["lead"])).to_be_visible()
    page.get_by_label("The PDF file you received").set_input_files(str(notice))
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_text("The file matches")).to_be_visible()


def test_a_challenge_goes_from_publication_to_a_verified_award_notice(
    page, tmp_path, make_user, make_org, make_chain
):
    failures: list[str] = []  # server errors and script errors met on the way

    def server_error(response) -> None:
        if response.status >= 500:
            failures.append(f"{response.status} {response.url}")

    page.on("response", server_error)
    page.on("pageerror", lambda error: failures.append(str(error)))
    clock.set_now(START)
    make_chain()
    make_user("officer@gov.example", role="officer", name="Officer Wang")
    alpha_org = make_org(ALPHA["lead"])
    make_user(ALPHA["applicant"], org=alpha_org, name="Alice")
    make_user(ALPHA["leader_email"], org=alpha_org, name=ALPHA["leader"], org_role="member")
    make_user(DELTA["applicant"], org=make_org(DELTA["lead"]), name=DELTA["leader"])
    beta = make_org(ALPHA["member"], "university")
    zeta = make_org(DELTA["member"], "institute")
    make_user(ALPHA["member_admin"], org=beta, name="Bea")
    make_user(DELTA["member_admin"], org=zeta, name="Zoe")
    for email, name, affiliation in EXPERTS:
        org = make_org(affiliation, "university")
        make_user(
            email,
            role="expert",
            name=name,
            affiliation=affiliation,
            affiliation_org_id=org.id,
            expertise="Lithography",
        )
    pdf = tmp_path / "proposal.pdf"
    pdf.write_bytes(PDF)

    number = publish_challenge(page)
    alpha = prepare_proposal(page, number, {**ALPHA, "member_code": beta.credit_code}, pdf)
    delta = prepare_proposal(page, number, {**DELTA, "member_code": zeta.credit_code}, pdf)
    assert alpha != delta
    for team, address in ((ALPHA, alpha), (DELTA, delta)):
        accept_invitation(page, team)
        sign_pledge(page, team, address)
        submit_proposal(page, team, address)

    clock.set_now(AFTER_DEADLINE)
    formal_check_and_panel(page)
    for email, _, _ in EXPERTS:
        score_everything(page, email)
    decide(page)
    applicant_sees(page, ALPHA, alpha, "Awarded")
    applicant_sees(page, DELTA, delta, "Reserve")

    clock.set_now(AFTER_PUBLICITY)
    confirm_award(page)
    code = issue_notice(page)
    record_task_book(page)
    notice = download_notice(page, tmp_path)
    verify_notice(page, code, notice)
    assert failures == []
    clock.set_now(None)

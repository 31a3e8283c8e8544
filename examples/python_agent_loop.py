#!/usr/bin/env python3
"""An agent loop on Engram: read context before each step, write down what was learned.

The "agent" is scripted (no LLM): a support agent works through tickets. Before each ticket it
asks Engram for context; if the context already holds the answer, it answers from memory,
otherwise it "looks the answer up" (the script gives it) and remembers it for next time. Its
progress lives in a pin, which the context also brings back.

    ENGRAM_URL=http://127.0.0.1:8080 ENGRAM_TOKEN=eng_… python3 examples/python_agent_loop.py

Needs a credential that may write memories and pins (a machine key). The Python SDK's tests
run this script against a real server, so it keeps working.
"""

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

try:
    from engram_client import Engram
except ImportError:  # run from a checkout without installing the SDK
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sdks" / "python" / "src"))
    from engram_client import Engram


@dataclass
class Ticket:
    question: str
    #: What in the context means the agent already knows the answer.
    answer_marker: str
    #: What the agent finds out (and remembers) when it does not.
    lookup: str


TICKETS = [
    Ticket(
        "Which regions is customer data hosted in?", "eu-west-1", "Customer data is hosted in eu-west-1 and us-east-1"
    ),
    Ticket("What is the refund window for annual plans?", "30 days", "Annual plans can be refunded within 30 days"),
    Ticket("A customer asks again: which regions host our data?", "eu-west-1", "(already known)"),
    Ticket("Can annual plans still get a refund after two weeks?", "30 days", "(already known)"),
    Ticket("Which support hours apply on weekends?", "Saturday", "Weekend support runs Saturday 09:00-13:00 CET"),
]


def run(engram: Engram, namespace: str, agent: str, tickets: List[Ticket], token_budget: int = 800) -> int:
    state_key = f"agents/{agent}:state"
    answered_from_memory = learned = 0
    engram.namespaces.create(namespace, description=f"what support agent {agent} has learned")
    for step, ticket in enumerate(tickets, start=1):
        context = engram.context(
            ticket.question,
            namespace,
            token_budget=token_budget,
            pin_prefixes=[f"agents/{agent}:"],
            # Facts only: the episodes are the agent's log, for people and later review.
            types=["semantic"],
            system_prompt="You are a support agent. Answer from the retrieved memories when they hold the answer.",
        )
        known = next((b for b in context.blocks if b.memory_id and ticket.answer_marker in b.content), None)
        if known is not None:
            answered_from_memory += 1
            print(f"step {step}: answered from memory [{known.ref}] {known.content!r}")
            outcome = f"answered from memory: {known.content}"
        else:
            learned += 1
            engram.remember(ticket.lookup, namespace, type="semantic", tags=["support", "fact"], importance=0.8)
            print(f"step {step}: looked it up and remembered {ticket.lookup!r}")
            outcome = f"looked up: {ticket.lookup}"
        # An episode per step: what was asked and how it went.
        engram.remember(
            f"Ticket {step}: {ticket.question} -> {outcome}",
            namespace,
            type="episodic",
            tags=["ticket"],
            importance=0.2,
        )
        engram.pins.set(state_key, {"step": step, "answered_from_memory": answered_from_memory, "learned": learned})
    state = engram.pins.get(state_key).value
    print(f"done: {len(tickets)} tickets, answered from memory: {answered_from_memory}, learned: {learned}")
    print(f"state pin {state_key}: {state}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--namespace", default="support-agent", help="namespace to learn into (created)")
    parser.add_argument("--agent", default="support-1", help="the agent's id, for its state pin")
    parser.add_argument("--url", default=None, help="Engram's base URL (default: $ENGRAM_URL)")
    args = parser.parse_args(argv)
    with Engram(args.url) as engram:
        return run(engram, args.namespace, args.agent, TICKETS)


if __name__ == "__main__":
    sys.exit(main())

"""Problem management: problems, known errors, recurrence proposals, root-cause timeline."""

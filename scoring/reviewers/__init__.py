"""reviewers"""

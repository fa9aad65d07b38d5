"""Written ballots (phiếu lấy ý kiến thành viên Chính phủ): questions asked in writing."""

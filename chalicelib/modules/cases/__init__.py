"""The case register (ESP): every accepted submission becomes a case with its sign in the JST's inbox."""
